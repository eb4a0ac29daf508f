#!/usr/bin/env node
/**
 * `npm run build:lib` (and `prepack`): the package into dist/lib. Four Vite library builds (see
 * vite.lib.config.ts), then the type declarations, then a size report of what ships.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { addDeclarationExtensions, walk } from './declarations.mjs';
import { weigh, weighPackageTab } from '../bench/weigh.mjs';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'dist/lib');
const typesDir = join(outDir, 'types');

for (const mode of ['es', 'cjs', 'iife', 'worker']) {
  await build({ root, configFile: join(root, 'vite.lib.config.ts'), mode });
}

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], {
  cwd: root,
  stdio: 'inherit',
});
addDeclarationExtensions(typesDir);
// One entry per module system: under `moduleResolution: node16`, TypeScript reads a `.d.ts` in a
// `"type": "module"` package as ESM and a `.d.cts` as CommonJS, matching index.js and index.cjs.
const entry = "export * from './types/client/index.js';\n";
writeFileSync(join(outDir, 'index.d.ts'), entry);
writeFileSync(join(outDir, 'index.d.cts'), entry);

report();

/**
 * Raw and gzip bytes of every script the package ships, and of what a tab loads before it talks
 * to the worker (see weighPackageTab: the same function and figure as the bench's dist/lib row).
 */
function report() {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const rows = readdirSync(outDir)
    .filter((name) => /\.(?:js|cjs)$/.test(name))
    .sort()
    .map((name) => ({ name, ...weigh(readFileSync(join(outDir, name))) }));
  const tab = weighPackageTab(root);
  rows.push({ name: 'tab set, minified', ...tab });
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`\ndist/lib (raw / gzip):`);
  for (const row of rows) console.log(`  ${row.name.padEnd(width)}  ${kb(row.raw).padStart(9)} / ${kb(row.gzip).padStart(8)}`);
  console.log(`  (tab set: ${tab.gzip.toLocaleString('en-US')} B gzip: ${tab.files.join(' + ')})`);
}
