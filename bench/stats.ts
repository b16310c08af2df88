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
  // Sub-millisecond figures (one decryption, one EC multiplication) keep three decimals.
  return `${value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** One line of the bench's table, and the goal it missed, if it had one and missed it. */
export interface Figure {
  readonly text: string;
  readonly missed: string | undefined;
}

/** One table line; a goal makes it pass or miss, without one it is for information. */
export function figure(
  label: string,
  measured: Summary,
  referenceLabel: string,
  reference: Summary,
  goal?: number,
  /** A ratio computed otherwise (e.g. the median of per-round paired ratios); else of medians. */
  ratioOverride?: number,
): Figure {
  const ratio = ratioOverride ?? measured.median / reference.median;
  const missed = goal !== undefined && ratio > goal;
  const verdict = goal === undefined ? '(info)' : `(goal <= ${goal}x) ${missed ? 'MISSED' : 'ok'}`;
  return {
    text:
      `${label.padEnd(38)} median ${ms(measured.median).padStart(9)}  p90 ${ms(measured.p90).padStart(9)}` +
      ` | ${referenceLabel.padEnd(10)} median ${ms(reference.median).padStart(9)}  p90 ${ms(reference.p90).padStart(9)}` +
      ` | ratio ${ratio.toFixed(2)}x ${verdict}  (n=${measured.n})`,
    missed: missed
      ? `${label} is ${ratio.toFixed(2)}x ${referenceLabel} (goal <= ${goal}x)`
      : undefined,
  };
}

/**
 * The median of a[i] / b[i]: for samples taken in pairs, back to back, so that whatever slows the
 * machine for a while (another process on the core, frequency changes) slows both sides of a pair
 * and cancels out of its ratio.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const ratios = a.map((value, i) => value / (b[i] ?? Number.NaN)).filter(Number.isFinite);
  return percentile(
    ratios.sort((x, y) => x - y),
    50,
  );
}
