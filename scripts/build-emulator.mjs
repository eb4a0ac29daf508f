#!/usr/bin/env node
/**
 * The livechat-multitab-emulator package (packages/emulator, its `prepack`): the emulator's sources in
 * emulator/ bundled for Node into packages/emulator/dist (one ES module per entry: the server API,
 * the control client, the Playwright kit and the CLI; `ws` and `@playwright/test` stay imports), then
 * the type declarations. Nothing of src/ is involved, and nothing of this reaches the SDK's build.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { addDeclarationExtensions, walk } from './declarations.mjs';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'packages/emulator/dist');
const typesDir = join(outDir, 'types');
const entries = { index: 'emulator/index.ts', client: 'emulator/client.ts', playwright: 'emulator/playwright.ts', cli: 'emulator/cli.ts' };

rmSync(outDir, { recursive: true, force: true });
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    // An SSR build targets Node and leaves the dependencies (ws, @playwright/test) and node: builtins as imports.
    ssr: true,
    outDir,
    emptyOutDir: false,
    target: 'node20',
    // Not minified: the kit's page-side recorder is sent to the browser as its source text, and a
    // stack trace from the emulator should read like the emulator.
    minify: false,
    rolldownOptions: {
      input: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

const cli = join(outDir, 'cli.js');
const cliCode = readFileSync(cli, 'utf8');
if (!cliCode.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${cliCode}`);
chmodSync(cli, 0o755);

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.emulator.json')], { cwd: root, stdio: 'inherit' });
addDeclarationExtensions(typesDir);

const files = [...walk(outDir)].map((path) => path.slice(outDir.length + 1)).sort();
console.log(`packages/emulator/dist: ${files.length} files (${files.filter((f) => f.endsWith('.js')).join(', ')})`);

