// Publishing to visitors is best-effort: the answer is already stored, and the frame recovers
// anything it missed from history. A few quick retries ride out a relay's hiccup; a relay that is
// down is logged, never thrown, so it cannot stop a turn.
import type { Logger } from 'pino';
import type { Publisher } from '../realtime/publisher.ts';

const RETRY_DELAYS_MS = [50, 250];

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Resolves true once published, false after `attempts` failures; never rejects. */
export async function publishBestEffort(
  publisher: Publisher,
  logger: Logger,
  channel: string,
  event: string,
  data: unknown,
  attempts = RETRY_DELAYS_MS.length + 1,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publisher.trigger(channel, event, data);
      return true;
    } catch (err) {
      if (attempt >= attempts) {
        logger.warn({ err, event, attempts }, 'publish failed; the visitor gets it from history');
        return false;
      }
      // Back off between tries (the relay is the thing we wait for here, not a test's event).
      await pause(RETRY_DELAYS_MS[attempt - 1] ?? RETRY_DELAYS_MS.at(-1)!);
    }
  }
}
