// Timing comparisons for the enumeration tests (an unknown user must cost what a known one does).

/**
 * Median times (ms) of two operations run alternately, `rounds` times each, so a change of load on
 * a shared machine hits both alike. Each is told the round it is in.
 */
export async function medianMs(a: (round: number) => Promise<unknown>, b: (round: number) => Promise<unknown>, rounds: number): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  const time = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };
  for (let i = 0; i < rounds; i++) {
    times[0].push(await time(() => a(i)));
    times[1].push(await time(() => b(i)));
  }
  const median = (ms: number[]) => ms.sort((x, y) => x - y)[Math.floor(rounds / 2)]!;
  return [median(times[0]), median(times[1])];
}
