// `npm run bench`: every benchmark in turn, each in its own process so one's memory and timers
// never colour the next one's figures. Builds the widget first (the size bench reads dist/).
import { spawnSync } from 'node:child_process';

const BENCHES = ['size', 'bot', 'store', 'reports', 'realtime', 'roundtrip', 'handover', 'first-greeting', 'load', 'soak'];

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

let failed = run('npm', ['run', '--silent', 'build']);
for (const name of BENCHES) {
  console.log(`\n=== bench/${name}.ts`);
  failed ||= run(process.execPath, ['--import', 'tsx', `bench/${name}.ts`]);
}
process.exit(failed);
