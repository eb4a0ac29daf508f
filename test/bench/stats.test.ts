import { describe, expect, it } from 'vitest';
import { linearTrend, percentile, ratio, summarize } from '../../bench/stats';

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([0, 10], 99)).toBeCloseTo(9.9, 10);
  });

  it('does not depend on the order of the sample, and leaves it unsorted', () => {
    const sample = [5, 1, 4, 2, 3];
    expect(percentile(sample, 50)).toBe(3);
    expect(sample).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives the extremes at 0 and 100, and the value itself for one sample', () => {
    expect(percentile([3, 9, 1], 0)).toBe(1);
    expect(percentile([3, 9, 1], 100)).toBe(9);
    expect(percentile([7], 99)).toBe(7);
  });

  it('p99 of 1..1000 stays below the maximum', () => {
    const sample = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(sample, 99)).toBeCloseTo(990.01, 10);
  });

  it('refuses an empty sample and a percentile outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('reports count, extremes, median, p99 and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, min: 1, p50: 2.5, p99: expect.closeTo(3.97, 10), mean: 2.5, max: 4 });
  });

  it('refuses an empty sample and non-finite values', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => summarize([Number.NaN])).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it('divides ours by the official value', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(0, 4)).toBe(0);
  });

  it('is undefined without an official value or with a zero one', () => {
    expect(ratio(3, undefined)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(3, 0)).toBeUndefined();
  });
});

describe('linearTrend', () => {
  it('finds the slope and intercept of an exact line with r² = 1', () => {
    const trend = linearTrend([
      [0, 100],
      [20, 140],
      [40, 180],
    ]);
    expect(trend.slope).toBeCloseTo(2, 10);
    expect(trend.intercept).toBeCloseTo(100, 10);
    expect(trend.r2).toBeCloseTo(1, 10);
  });

  it('gives a zero slope and r² = 0 for a constant series', () => {
    expect(linearTrend([
      [0, 5],
      [1, 5],
      [2, 5],
    ])).toEqual({ slope: 0, intercept: 5, r2: 0 });
  });

  it('fits noisy data by least squares', () => {
    const trend = linearTrend([
      [0, 1],
      [1, 3],
      [2, 2],
      [3, 4],
    ]);
    expect(trend.slope).toBeCloseTo(0.8, 10);
    expect(trend.intercept).toBeCloseTo(1.3, 10);
    expect(trend.r2).toBeCloseTo(0.64, 10);
  });

  it('needs two points with distinct x', () => {
    expect(() => linearTrend([[1, 1]])).toThrow(RangeError);
    expect(() => linearTrend([
      [1, 1],
      [1, 2],
    ])).toThrow(RangeError);
  });
});
