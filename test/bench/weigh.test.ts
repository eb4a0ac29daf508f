import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticImports, sumWeights, weigh, weighPackageTab } from '../../bench/weigh.mjs';

describe('weigh', () => {
  it('counts raw bytes (UTF-8) and gzip bytes of a string or a buffer alike', () => {
    const text = 'const é = 1;\n'.repeat(50);
    const weight = weigh(text);
    expect(weight.raw).toBe(Buffer.byteLength(text));
    expect(weight).toEqual(weigh(Buffer.from(text)));
    expect(weight.gzip).toBe(gzipSync(text).length);
    expect(weight.gzip).toBeLessThan(weight.raw);
    expect(gunzipSync(gzipSync(text)).toString()).toBe(text);
  });

  it('sums weights', () => {
    expect(sumWeights([{ raw: 10, gzip: 4 }, { raw: 5, gzip: 3 }])).toEqual({ raw: 15, gzip: 7 });
    expect(sumWeights([])).toEqual({ raw: 0, gzip: 0 });
  });
});

describe('staticImports', () => {
  it('finds static imports and re-exports, minified or not, each once, but not import()', () => {
    const code = [
      'import { a as b } from "./errors-x.js";',
      'import * as v from "comlink";',
      'import"./side.js";export*from"./all.js";export{c}from"./some.js";const lazy=()=>import("./lazy.js");',
      'import { again } from "./errors-x.js";',
      'const text = "import x from \'./not-code.js\'";',
    ].join('\n');
    expect(staticImports(code)).toEqual(['./errors-x.js', 'comlink', './side.js', './all.js', './some.js']);
  });

  it('refuses code that does not parse', () => {
    expect(() => staticImports('import { from', 'broken.js')).toThrow(/broken\.js does not parse/);
  });
});

describe('weighPackageTab', () => {
  let root: string;
  const files: Record<string, string> = {
    'dist/lib/index.js': 'import { helper } from "./chunk-a.js";\nimport * as rpc from "dep";\nexport function init(options) {\n  const lazy = () => import("./lazy-b.js");\n  return helper(rpc, options, lazy);\n}\n',
    'dist/lib/chunk-a.js': 'export { helper } from "./chunk-c.js";\n',
    'dist/lib/chunk-c.js': '// a comment the minifier drops\nexport function helper(first, second, third) {\n  return [first, second, third];\n}\n',
    'dist/lib/lazy-b.js': 'export const notEager = "x".repeat(4000);\n',
    'node_modules/dep/package.json': JSON.stringify({ name: 'dep', main: 'dist/umd.js', module: 'dist/esm.mjs' }),
    'node_modules/dep/dist/esm.mjs': 'export function expose(value) {\n  return value;\n}\n',
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bench-weigh-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("weighs the entry, its static chunks and its dependencies' ES modules, minified, not the lazy chunks", () => {
    const tab = weighPackageTab(root);
    expect(tab.files).toEqual(['index.js', 'chunk-a.js', 'dep/dist/esm.mjs', 'chunk-c.js']);
    const source = ['dist/lib/index.js', 'dist/lib/chunk-a.js', 'node_modules/dep/dist/esm.mjs', 'dist/lib/chunk-c.js'].map((path) => files[path]!).join('\n');
    expect(tab.raw).toBeGreaterThan(0);
    expect(tab.raw).toBeLessThan(Buffer.byteLength(source));
    expect(tab.gzip).toBeGreaterThan(0);
  });

  it('names a deep import of a dependency instead of guessing its file', async () => {
    await writeFile(join(root, 'dist/lib/chunk-c.js'), 'export { helper } from "dep/helpers";\n');
    try {
      expect(() => weighPackageTab(root)).toThrow(/deep import "dep\/helpers"/);
    } finally {
      await writeFile(join(root, 'dist/lib/chunk-c.js'), files['dist/lib/chunk-c.js']!);
    }
  });
});
