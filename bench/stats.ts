/** Percentiles and friends over a list of samples (milliseconds). */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** a / b rounded to two decimals; NaN when either is missing or b is zero. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Math.round((a / b) * 100) / 100 : NaN;
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/** How expiries (ms offsets, sorted) spread: their span in seconds and the most in any one second. */
export function expirySpread(offsets: number[]): { spanS: number; busiestSecond: number } {
  const perSecond = new Map<number, number>();
  for (const ms of offsets) perSecond.set(Math.floor(ms / 1000), (perSecond.get(Math.floor(ms / 1000)) ?? 0) + 1);
  return { spanS: round((offsets.at(-1) ?? 0) / 1000), busiestSecond: Math.max(0, ...perSecond.values()) };
}
