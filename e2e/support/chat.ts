// Driving the widget like a visitor: the launcher in the host page, the chat inside its frame.
import { expect, type FrameLocator, type Page } from '@playwright/test';

export interface ShownMessage {
  id: number;
  sender: string;
  text: string;
}

export const chatFrame = (page: Page): FrameLocator => page.frameLocator('iframe[title="Chat"]');

export const launcher = (page: Page) => page.locator('button[aria-controls^="parley-panel-"]');

/** Holds the frame's page (a slow network) until the returned function is called, usually at the click. */
export async function holdFramePage(page: Page): Promise<() => void> {
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/frame.html?*', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/**
 * The panel is closed: see-through and inert, so nothing of it is seen, clicked, focused or read
 * out (not display:none: widget/loader/panel.ts says why), which Playwright's toBeHidden would not call hidden.
 */
export async function expectPanelClosed(page: Page): Promise<void> {
  const panel = page.locator('[id^="parley-panel-"]');
  await expect(panel).toHaveCSS('opacity', '0');
  await expect(panel).toHaveAttribute('inert', '');
  await expect(panel).toHaveCSS('pointer-events', 'none');
}

/**
 * Waits for the chat's session: the frame marks its phase. Not the text box: it takes keys while
 * the session starts (what is sent then waits for it).
 */
export async function awaitSession(frame: FrameLocator): Promise<void> {
  await expect(frame.locator('.app[data-phase="ready"]')).toBeAttached();
}

export async function openChat(page: Page): Promise<FrameLocator> {
  await launcher(page).click();
  const frame = chatFrame(page);
  await awaitSession(frame);
  return frame;
}

/** The confirmed messages the frame shows, in order, as the visitor sees them. */
export async function transcript(frame: FrameLocator): Promise<ShownMessage[]> {
  return frame.locator('.log .msg[data-id]').evaluateAll((els) =>
    els.map((el) => ({
      id: Number(el.getAttribute('data-id')),
      sender: ['visitor', 'bot', 'operator'].find((s) => el.classList.contains(s)) ?? 'system',
      text: el.querySelector('.bubble')?.textContent ?? '',
    })),
  );
}

/** Types and sends `text`; resolves once the server confirmed it and a reply arrived after it. */
export async function sendAndAwaitReply(frame: FrameLocator, text: string): Promise<ShownMessage[]> {
  const box = frame.getByRole('textbox');
  await box.fill(text);
  await box.press('Enter');
  let sentId = 0;
  await expect
    .poll(async () => {
      const shown = await transcript(frame);
      const mine = shown.filter((m) => m.sender === 'visitor' && m.text === text).pop();
      sentId = mine?.id ?? 0;
      return sentId > 0 && shown.some((m) => m.id > sentId && m.sender !== 'visitor');
    }, { message: `a reply to "${text}"` })
    .toBe(true);
  return transcript(frame);
}

/** Ids strictly increasing by one from 1: nothing lost, nothing shown twice. */
export function expectContiguous(shown: ShownMessage[]): void {
  expect(shown.map((m) => m.id)).toEqual(shown.map((_, i) => i + 1));
}

/**
 * Records every `message` event the browser receives over its WebSockets, raw, as the relay sent
 * it: proof that replies travel over the channel, and sealed.
 */
export function watchChannelEvents(page: Page): { host: string; data: string }[] {
  const seen: { host: string; data: string }[] = [];
  page.on('websocket', (ws) => {
    const host = new URL(ws.url()).host;
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      try {
        const frame = JSON.parse(text) as { event?: string; data?: unknown };
        if (frame.event === 'message') seen.push({ host, data: String(frame.data) });
      } catch {
        // not a Pusher protocol frame
      }
    });
  });
  return seen;
}

/** True when every recorded event is sealed (nonce + ciphertext) and none contains `plain`. */
export function allSealed(events: { data: string }[], plain: string[]): boolean {
  return events.every((e) => {
    const data = JSON.parse(e.data) as { nonce?: unknown; ciphertext?: unknown };
    return typeof data.nonce === 'string' && typeof data.ciphertext === 'string' && plain.every((p) => !e.data.includes(p));
  });
}
