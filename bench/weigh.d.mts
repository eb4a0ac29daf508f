/** Types of weigh.mjs (plain ESM, so that scripts/build-lib.mjs can import it). */

export interface Weight {
  raw: number;
  gzip: number;
}

export interface PackageTab extends Weight {
  /** What was weighed: dist/lib files relative to dist/lib, dependencies relative to node_modules. */
  files: string[];
}

export function weigh(code: string | Uint8Array): Weight;
export function sumWeights(weights: readonly Weight[]): Weight;
export function staticImports(code: string, filename?: string): string[];
export function staticClosure(entry: string, resolveImport: (specifier: string, from: string) => string): Generator<{ path: string; code: string }>;
export function weighPackageTab(root: string): PackageTab;
