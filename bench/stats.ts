// Order statistics for latency samples, and the table line format the bench prints.

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
}

/** The p-th percentile (0..100) of ascending samples, interpolating between neighbours. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lower = sorted[low] ?? Number.NaN;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}
