/** The most arrivals in any window `[t, t + interval)` (`at` in milliseconds, any order). */
export const busiestWindow = (at: ReadonlyArray<number>, interval: number): number => {
  const sorted = [...at].sort((a, b) => a - b)
  let best = 0
  let end = 0
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + interval) end++
    best = Math.max(best, end - start)
  }
  return best
}
