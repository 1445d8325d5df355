// Figures for benchmark output.
import { readFileSync } from 'node:fs';

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** CPU time (user + system, ms) a process has used so far, from /proc: immune to how busy the machine is otherwise. */
export function processCpuMs(pid: number): number {
  // Fields after the command name: state is 1st, utime 12th and stime 13th, in clock ticks (100 a second on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
