import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = import.meta.dirname;
const outDir = resolve(root, 'dist/lib');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The worker file every build refers to, next to the ESM entry (see src/worker/combined.ts). */
const WORKER_FILE = 'livechat-multitab-sdk.worker.js';
/** The script-tag build: one file that defines the global `CustomerSDK`. */
const GLOBAL_FILE = 'livechat-multitab-sdk.iife.js';

/** One output of the package per `vite build --mode`; scripts/build-lib.mjs runs them in turn. */
type LibTarget = 'es' | 'cjs' | 'iife' | 'worker';
const TARGETS: readonly LibTarget[] = ['es', 'cjs', 'iife', 'worker'];

// Matches the worker constructors of src/client/transport.ts as written in the source.
const SOURCE_WORKER_URL = /new URL\('\.\.\/worker\/(?:shared|dedicated)\.ts', import\.meta\.url\)/g;
const IMPORT_META_MARKER = '__LIVECHAT_IMPORT_META_URL__';
// What an app's bundler must find in the published ESM to bundle the worker (Vite and webpack 5
// both look for exactly this shape: a literal path, `import.meta.url`, inside the constructor).
const PUBLISHED_WORKER_URL = new RegExp(
  String.raw`new (?:Shared)?Worker\(\s*new URL\(\s*"\./${WORKER_FILE.replaceAll('.', '\\.')}",\s*import\.meta\.url\s*\)`,
  'g',
);

/**
 * Points the worker constructors at the published worker file instead of the TypeScript sources.
 *
 * ESM: `new URL('./<WORKER_FILE>', import.meta.url)` must reach the output as written, for the
 * app's bundler. Left alone, Vite 8's library mode bundles the worker itself and refers to it as
 * `new URL("/assets/shared-HASH.js", "" + import.meta.url)`: a path from the site's root, in a form
 * no app bundler picks up, so the app would 404 on it. So the source URL becomes a marker Vite
 * does not recognise, and the marker becomes `import.meta.url` after bundling.
 * CommonJS and script tag: there is no `import.meta`; these builds compile the bundled-worker
 * branch out (`__LIVECHAT_BUNDLED_WORKER__: false`) and rely on `workerUrl`.
 */
function publishedWorkerUrls(target: LibTarget): Plugin {
  let rewritten = 0;
  return {
    name: 'livechat:published-worker-urls',
    enforce: 'pre',
    buildStart() {
      rewritten = 0;
    },
    transform(code, id) {
      // combined.ts imports the two worker entries for their side effects only, which package.json's
      // `sideEffects` (written for apps that bundle dist/lib) would let the bundler drop.
      if (target === 'worker' && /\/src\/worker\/(?:shared|dedicated)\.ts$/.test(id)) return { code, map: null, moduleSideEffects: true };
      if (!id.endsWith('/src/client/transport.ts')) return null;
      const found = code.match(SOURCE_WORKER_URL)?.length ?? 0;
      if (found !== 2) this.error(`expected the 2 worker constructors in transport.ts, found ${found}: update vite.lib.config.ts`);
      rewritten = found;
      const replacement = target === 'es' ? `new URL('./${WORKER_FILE}', ${IMPORT_META_MARKER})` : 'undefined as never';
      return { code: code.replace(SOURCE_WORKER_URL, replacement), map: null };
    },
    renderChunk(code) {
      if (target !== 'es' || !code.includes(IMPORT_META_MARKER)) return null;
      return { code: code.replaceAll(IMPORT_META_MARKER, 'import.meta.url'), map: null };
    },
    generateBundle(_options, bundle) {
      const code = Object.values(bundle)
        .map((file) => (file.type === 'chunk' ? file.code : ''))
        .join('\n');
      if (target === 'worker') {
        if (!/["'`]connect["'`]/.test(code) || !/["'`]message["'`]/.test(code)) this.error('the worker must serve both worker modes');
        return;
      }
      if (rewritten !== 2) this.error('transport.ts was not rewritten');
      // Fail the build rather than publish a package whose worker an app's bundler cannot find.
      if (target === 'es' && (code.match(PUBLISHED_WORKER_URL)?.length ?? 0) !== 2) {
        this.error(`the ESM output must keep both \`new …Worker(new URL("./${WORKER_FILE}", import.meta.url)\` calls`);
      }
      if (target !== 'es' && code.includes('import.meta')) this.error(`the ${target} output must not use import.meta`);
    },
  };
}

function libConfig(target: LibTarget): UserConfig {
  const define = { __LIVECHAT_BUNDLED_WORKER__: JSON.stringify(target === 'es'), 'globalThis.__LIVECHAT_PROFILE__': 'false' };
  const common: UserConfig = {
    publicDir: false,
    logLevel: 'warn',
    define,
    plugins: [publishedWorkerUrls(target)],
  };
  if (target === 'worker') {
    // Self-contained (Comlink and the runtime core inlined, no imports), so the same file runs
    // from a bundler's output or from the site's own URL, and as a module or a classic script.
    return {
      ...common,
      build: {
        outDir,
        emptyOutDir: false,
        lib: { entry: resolve(root, 'src/worker/combined.ts'), formats: ['es'], fileName: () => WORKER_FILE },
        // Minified whitespace too: sites serve this file as it is.
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
      },
    };
  }
  if (target === 'iife') {
    // Everything in one file (the dedicated and inline modes too: a script tag cannot load chunks).
    return {
      ...common,
      build: {
        outDir,
        emptyOutDir: false,
        lib: { entry: resolve(root, 'src/client/index.ts'), name: 'CustomerSDK', formats: ['iife'], fileName: () => GLOBAL_FILE },
      },
    };
  }
  // ESM and CommonJS for bundlers and Node: dependencies stay imports (the app dedupes them), and
  // the dedicated and inline modes stay separate chunks that a tab loads only when it uses them.
  const dependencies = Object.keys(pkg.dependencies);
  return {
    ...common,
    build: {
      outDir,
      emptyOutDir: target === 'es',
      lib: { entry: resolve(root, 'src/client/index.ts'), formats: [target], fileName: 'index' },
      rolldownOptions: {
        external: (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`)),
        optimization: { inlineConst: { mode: 'all', pass: 2 } },
      },
    },
  };
}

/**
 * The package build (`npm run build:lib`, see scripts/build-lib.mjs), into dist/lib:
 * - `index.js` (ESM) + chunks, `index.cjs` (CommonJS) + chunks: the tab side, for bundlers and Node;
 * - `livechat-multitab-sdk.worker.js`: the runtime (SharedWorker or dedicated Worker), which the
 *   ESM build refers to and script-tag sites host;
 * - `livechat-multitab-sdk.iife.js`: the script-tag build, global `CustomerSDK`, needs `workerUrl`.
 * Vite's library mode, one target per `--mode` (es, cjs, iife, worker): each needs its own define
 * and transform, which Vite applies once per build, not per output format.
 */
export default defineConfig(({ mode }) => {
  const target = mode as LibTarget;
  if (!TARGETS.includes(target)) throw new Error(`vite.lib.config.ts: --mode must be one of ${TARGETS.join(', ')}, got "${mode}"`);
  return libConfig(target);
});
