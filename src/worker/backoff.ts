/**
 * Exponential backoff with full jitter: the n-th delay is uniform in [0, min(max, base·2ⁿ)].
 * Full jitter spreads the reconnects of many customers after a server restart better than
 * ±jitter does (the AWS architecture blog's comparison, also used by centrifuge-js).
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.floor(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
