/** A p50-ratio budget check (ours ÷ official) as the report prints it. Pure. */
import type { BudgetCheck } from './results';
import { ratio } from './stats';

export function ratioBudget(budget: string, limit: number, ours: number, official: number): BudgetCheck {
  const r = ratio(ours, official);
  return {
    budget,
    limit: `≤ ${limit}×`,
    measured: r === undefined ? `no ratio (${ours.toFixed(1)} ms vs ${official.toFixed(1)} ms)` : `${r.toFixed(2)}× (p50 ${ours.toFixed(1)} ms vs ${official.toFixed(1)} ms)`,
    pass: r !== undefined && r <= limit,
  };
}
