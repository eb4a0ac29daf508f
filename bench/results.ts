/** The shape of what scenarios measure and what the report prints. */

export interface Row {
  metric: string;
  unit: string;
  official?: number;
  ours?: number;
  /** Digits after the point; default: 2 below 10, 1 below 100, else 0. */
  digits?: number;
}

export interface BudgetCheck {
  budget: string;
  limit: string;
  measured: string;
  pass: boolean;
}

export interface ScenarioResult {
  rows: Row[];
  /** Raw samples and counters, written to results.json as they are. */
  raw: Record<string, unknown>;
  notes?: string[];
  budgets?: BudgetCheck[];
}

export interface Scenario {
  /** Used by `--only`. */
  name: string;
  title: string;
  run(bench: import('./harness').Bench): Promise<ScenarioResult>;
}
