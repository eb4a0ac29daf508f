// Compares a JSON value with a documented sample by shape: the keys present at every path and the
// JSON type of every value. Values themselves (ids, times, texts) are not compared: the docs show
// examples, the emulator makes its own.
//
// Paths read like `payload.chats_summary[].users[].name`: `[]` stands for "an element of this
// array", `.*` for "a value of this map" (an object whose keys are data, such as group ids).

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export interface ShapeRules {
  /** Paths the documented sample has but the actual value may lack (the docs say they are optional). */
  optional?: Iterable<string>;
  /** Paths of objects whose keys are data: their values are compared like array elements. */
  maps?: Iterable<string>;
}

export type ShapeProblem =
  | { kind: 'missing'; path: string }
  | { kind: 'type'; path: string; expected: JsonType; actual: JsonType }
  /** The sample shows elements, the actual array (or map) has none to compare them with. */
  | { kind: 'empty'; path: string };

export interface ShapeReport {
  problems: ShapeProblem[];
  /** Paths the actual value has and the sample does not (not problems by themselves). */
  extra: string[];
}

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * Every key path of `expected` must exist in `actual` with the same JSON type, unless listed as
 * optional. An empty object in the sample is a placeholder (the docs write `// "Properties" object`):
 * only its type is checked. Array elements (and map values) of the sample are examples that may
 * differ in shape from each other (a header and a group chooser in one form), so each of them must
 * be matched by some actual element; when none matches, the closest one's problems are reported.
 */
export function compareShape(expected: unknown, actual: unknown, rules: ShapeRules = {}): ShapeReport {
  const optional = new Set(rules.optional ?? []);
  const maps = new Set(rules.maps ?? []);
  const report: ShapeReport = { problems: [], extra: [] };
  walk(expected, actual, '', { optional, maps }, report);
  report.extra = [...new Set(report.extra)].sort();
  return report;
}

interface Rules {
  optional: ReadonlySet<string>;
  maps: ReadonlySet<string>;
}

function walk(expected: unknown, actual: unknown, path: string, rules: Rules, report: ShapeReport): void {
  const want = jsonType(expected);
  const got = jsonType(actual);
  if (want !== got) {
    report.problems.push({ kind: 'type', path, expected: want, actual: got });
    return;
  }
  if (want === 'array') {
    elements(expected as unknown[], actual as unknown[], `${path}[]`, rules, report);
    return;
  }
  if (want !== 'object') return;
  const documented = expected as Record<string, unknown>;
  const sent = actual as Record<string, unknown>;
  if (rules.maps.has(path)) {
    elements(Object.values(documented), Object.values(sent), join(path, '*'), rules, report);
    return;
  }
  // A placeholder object in the docs says "an object goes here", nothing about its keys.
  if (Object.keys(documented).length === 0) return;
  for (const [key, value] of Object.entries(documented)) {
    const at = join(path, key);
    if (!(key in sent)) {
      if (!rules.optional.has(at)) report.problems.push({ kind: 'missing', path: at });
      continue;
    }
    walk(value, sent[key], at, rules, report);
  }
  for (const key of Object.keys(sent)) if (!(key in documented)) report.extra.push(join(path, key));
}

function elements(expected: unknown[], actual: unknown[], path: string, rules: Rules, report: ShapeReport): void {
  if (expected.length === 0) return;
  if (actual.length === 0) {
    report.problems.push({ kind: 'empty', path });
    return;
  }
  for (const sample of expected) {
    let best: ShapeReport | undefined;
    let bestKinship = -1;
    // The closest element: fewest problems, then the most equal values at its top level (a customer
    // user sample is compared with the customer, `type` equal, not with an agent whose keys happen to
    // cover it too), then fewest keys beyond the sample.
    for (const candidate of actual) {
      const trial: ShapeReport = { problems: [], extra: [] };
      walk(sample, candidate, path, rules, trial);
      const trialKinship = kinship(sample, candidate);
      if (best === undefined || closer(trial, trialKinship, best, bestKinship)) {
        best = trial;
        bestKinship = trialKinship;
      }
    }
    report.problems.push(...best!.problems);
    report.extra.push(...best!.extra);
  }
}

function closer(a: ShapeReport, aKinship: number, b: ShapeReport, bKinship: number): boolean {
  if (a.problems.length !== b.problems.length) return a.problems.length < b.problems.length;
  if (aKinship !== bKinship) return aKinship > bKinship;
  return a.extra.length < b.extra.length;
}

/** How many top-level primitive values two objects share: only a hint for pairing array elements. */
function kinship(a: unknown, b: unknown): number {
  if (jsonType(a) !== 'object' || jsonType(b) !== 'object') return 0;
  const other = b as Record<string, unknown>;
  return Object.entries(a as Record<string, unknown>).filter(([key, value]) => value !== null && typeof value !== 'object' && other[key] === value).length;
}

/** One line per problem, for assertion messages. */
export function describeProblems(problems: readonly ShapeProblem[]): string[] {
  return problems.map((p) => {
    if (p.kind === 'missing') return `${p.path}: missing`;
    if (p.kind === 'empty') return `${p.path}: no elements to compare with the documented ones`;
    return `${p.path}: ${p.actual} instead of ${p.expected}`;
  });
}
