import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const pages = resolve(import.meta.dirname, 'pages');

/**
 * The bench pages (bench/pages/*.html): one per SDK with the same harness, and the smallest app for the
 * size budget. Built like the demo (ES-module workers), with a manifest so the bench can tell a page's
 * eager chunks from the ones it loads on demand. `BENCH_OUT_DIR` is set by bench/run.ts.
 */
export default defineConfig({
  root: pages,
  // The start-up profiler's build (bench/profile-start.ts) keeps the SDK's profiling steps; every other drops them.
  define: { 'globalThis.__LIVECHAT_PROFILE__': JSON.stringify(process.env.BENCH_PROFILE === '1') },
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    outDir: process.env.BENCH_OUT_DIR ?? resolve(import.meta.dirname, '.tmp/build'),
    emptyOutDir: true,
    manifest: true,
    // Readable function names in a diagnostic trace (bench/profile-start.ts); never in a measured run.
    minify: process.env.BENCH_NO_MINIFY ? false : 'esbuild',
    rollupOptions: {
      input: {
        ours: resolve(pages, 'ours.html'),
        official: resolve(pages, 'official.html'),
        minimal: resolve(pages, 'minimal.html'),
      },
    },
  },
});
