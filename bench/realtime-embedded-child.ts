// Child process for bench/realtime.ts: runs the embedded realtime server on its own, so the
// benchmark reads this process's resident memory alone, and runs the in-process publish loop here,
// where the Parley server would call publish().
import { performance } from 'node:perf_hooks';
import { sealEventData } from '../server/realtime/channel-crypto.ts';
import { startStandaloneRealtime, type EmbeddedRealtimeOptions } from '../server/realtime/embedded/index.ts';

export interface PublishCommand {
  type: 'publish';
  count: number;
  channelPrefix: string;
  channels: number;
  /** Messages published per event-loop turn: the 64 "publishers" of the benchmark. */
  perTurn: number;
  encrypted: boolean;
  payload: unknown;
}

const app = JSON.parse(process.env.BENCH_APP ?? '{}') as { appId: string; key: string; secret: string };
/** The connection limits the benchmark needs (all its clients come from one address). */
const limits = JSON.parse(process.env.BENCH_LIMITS ?? '{}') as EmbeddedRealtimeOptions;
const masterKey = new Uint8Array(Buffer.from(process.env.BENCH_MASTER_KEY ?? '', 'base64'));
const { realtime, stop } = await startStandaloneRealtime({ ...limits, ...app }).then((s) => {
  process.send?.({ type: 'ready', port: s.port });
  return s;
});

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

async function publishLoop(cmd: PublishCommand): Promise<number[]> {
  const sent = new Array<number>(cmd.count);
  const plain = JSON.stringify(cmd.payload);
  for (let i = 0; i < cmd.count; ) {
    for (let k = 0; k < cmd.perTurn && i < cmd.count; k++, i++) {
      const channel = `${cmd.channelPrefix}${i % cmd.channels}`;
      sent[i] = now();
      realtime.publish([channel], `m-${i}`, cmd.encrypted ? sealEventData(masterKey, channel, cmd.payload) : plain);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

process.on('message', (msg: PublishCommand | { type: 'stop' }) => {
  if (msg.type === 'publish') {
    void publishLoop(msg).then((sent) => process.send?.({ type: 'published', sent }));
  } else if (msg.type === 'stop') {
    void stop().then(() => process.exit(0));
  }
});
