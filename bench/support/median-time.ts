/** The median wall-clock time of `rounds` runs, in ms: one slow run (a busy shared machine) does not move it. */
export async function medianTime(run: () => Promise<unknown>, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}
