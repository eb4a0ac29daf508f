/**
 * Pure statistics for the benchmarks: percentiles, summaries, ratios and a least-squares trend.
 * Nothing here reads a clock or the environment, so test/bench/stats.test.ts pins it down.
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/**
 * The `p`-th percentile (0–100) by linear interpolation between the closest ranks (the "R-7" rule of
 * spreadsheets and NumPy's default), so p50 of an even count is the mean of the two middle values and a
 * p99 over fewer than 100 samples does not jump to the maximum. Throws on an empty sample or a bad `p`:
 * a benchmark that measured nothing must fail loudly, not print 0.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (sorted[high]! - lowValue) * (rank - low);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of an empty sample');
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`sample holds a non-finite value: ${value}`);
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  return { n: values.length, min, p50: percentile(values, 50), p99: percentile(values, 99), mean: sum / values.length, max };
}

/** `ours / official`, or undefined when there is nothing to compare (no official value, or it is 0). */
export function ratio(ours: number | undefined, official: number | undefined): number | undefined {
  if (ours === undefined || official === undefined || official === 0) return undefined;
  return ours / official;
}

export interface Trend {
  /** Change of y per unit of x (bytes per cycle in the leak check). */
  slope: number;
  intercept: number;
  /** Share of the variance the line explains (0–1); 0 for a flat or constant series. */
  r2: number;
}

/** Ordinary least squares over (x, y) points; needs at least two distinct x. */
export function linearTrend(points: ReadonlyArray<readonly [number, number]>): Trend {
  if (points.length < 2) throw new RangeError('a trend needs at least two points');
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
    syy += (y - meanY) ** 2;
  }
  if (sxx === 0) throw new RangeError('a trend needs at least two distinct x values');
  const slope = sxy / sxx;
  // A constant series is perfectly "explained" by a flat line, but calling that r² = 1 would read as a strong trend.
  const r2 = syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: meanY - slope * meanX, r2 };
}
