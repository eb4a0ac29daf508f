/**
 * How this project weighs JavaScript, in one place: `npm run build:lib` prints the package's sizes
 * with it and `npm run bench` measures with it, so the two cannot disagree about the same files.
 * Plain Node ESM because scripts/build-lib.mjs runs without a TypeScript loader; the types are in
 * weigh.d.mts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { minifySync, parseSync } from 'vite';

/**
 * Raw bytes, and gzip bytes at zlib's default level (6) with the file compressed on its own, as a
 * server compresses one response.
 */
export function weigh(code) {
  const body = typeof code === 'string' ? Buffer.from(code) : code;
  return { raw: body.length, gzip: gzipSync(body).length };
}

export function sumWeights(weights) {
  return { raw: weights.reduce((sum, w) => sum + w.raw, 0), gzip: weights.reduce((sum, w) => sum + w.gzip, 0) };
}

/**
 * The modules an ES module imports or re-exports statically, as written (`./x.js`, `comlink`), in
 * order, each once; `import()` is not followed. Parsed, not matched: minified output puts imports
 * anywhere on a line. Throws on code that does not parse.
 */
export function staticImports(code, filename = 'module.js') {
  const { module, errors } = parseSync(filename, code, { sourceType: 'module' });
  if (errors.length > 0) throw new Error(`${filename} does not parse: ${errors[0].message}`);
  const specifiers = [
    ...module.staticImports.map((entry) => entry.moduleRequest.value),
    ...module.staticExports.flatMap((entry) => entry.entries.flatMap((exported) => (exported.moduleRequest ? [exported.moduleRequest.value] : []))),
  ];
  return [...new Set(specifiers)];
}

/** The ES module file a bundler takes for a dependency (`module`, else `main`, of its package.json). */
function dependencyEntry(root, specifier) {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  if (parts.length > nameLength) throw new Error(`weigh: cannot weigh the deep import "${specifier}"; import the package itself`);
  const dir = join(root, 'node_modules', specifier);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = pkg.module ?? pkg.main;
  if (typeof entry !== 'string') throw new Error(`weigh: ${specifier}'s package.json names no module or main file`);
  return join(dir, entry);
}

/**
 * An ES module file and every file it imports statically, recursively, each once, in breadth-first
 * order: `{ path, code }`. `resolveImport(specifier, fromPath)` gives the file a specifier names.
 */
export function* staticClosure(entry, resolveImport) {
  const queue = [entry];
  const seen = new Set();
  while (queue.length > 0) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const code = readFileSync(path, 'utf8');
    yield { path, code };
    for (const specifier of staticImports(code, path)) queue.push(resolveImport(specifier, path));
  }
}

/**
 * What a tab of an app that bundles the package loads before it talks to the worker: dist/lib's
 * ESM entry, the chunks it imports statically and the dependencies they import (Comlink), each
 * minified as the app's bundler would (the ESM build leaves that to it) and joined as into the one
 * chunk the bundler would make of them, then weighed with `weigh`. Not the worker, nor the chunks a
 * tab loads on demand.
 */
export function weighPackageTab(root) {
  const libDir = join(root, 'dist/lib');
  const nodeModules = join(root, 'node_modules');
  const files = [];
  const minified = [];
  const resolveImport = (specifier, from) => (specifier.startsWith('.') ? resolve(dirname(from), specifier) : dependencyEntry(root, specifier));
  for (const { path, code } of staticClosure(join(libDir, 'index.js'), resolveImport)) {
    const inLib = !relative(libDir, path).startsWith('..');
    files.push(relative(inLib ? libDir : nodeModules, path));
    minified.push(minifySync(path, code).code);
  }
  return { files, ...weigh(minified.join('\n')) };
}
