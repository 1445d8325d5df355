// The two servers the conformance suite runs against: ours, and soketi as the reference.
import { startStandaloneRealtime } from '../../server/realtime/embedded/index.ts';
import { startSoketi } from '../helpers/soketi.ts';

export interface App {
  appId: string;
  key: string;
  secret: string;
}

export interface RunningTarget {
  port: number;
  stop(): Promise<void>;
}

export type TargetName = 'embedded' | 'soketi';

export interface Target {
  name: TargetName;
  start(app: App): Promise<RunningTarget>;
}

/**
 * The suite compares protocol behaviour, so the embedded server runs as a generic Pusher server:
 * every channel kind and any Origin (its defaults; Parley narrows both), and a frame budget large
 * enough for "thousands of subscribes on one socket". Its abuse limits have their own tests in
 * embedded-limits.test.ts.
 */
const PERMISSIVE = { messageBurst: 10_000 };

export const targets: Target[] = [
  { name: 'embedded', start: (app) => startStandaloneRealtime({ ...app, ...PERMISSIVE }) },
  { name: 'soketi', start: (app) => startSoketi(app) },
];

export function testApp(): App {
  return { appId: '4242', key: 'conformance-key', secret: 'conformance-secret-0123456789' };
}
