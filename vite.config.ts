import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
// Separate output folders let several e2e runs (on their own ports) build side by side.
const outDir = process.env.DEMO_OUT_DIR ? resolve(process.env.DEMO_OUT_DIR) : resolve(root, 'dist/demo');

/**
 * The demo site (widget + agent console), served from `demo/` and built into `dist/demo`.
 * `SDK_VERSION=x.y.z` stamps another SDK version into the build (to test deploys across versions);
 * `DEMO_OUT_DIR` builds elsewhere than `dist/demo`.
 */
export default defineConfig({
  define: { 'globalThis.__LIVECHAT_PROFILE__': 'false', ...(process.env.SDK_VERSION ? { __SDK_VERSION__: JSON.stringify(process.env.SDK_VERSION) } : {}) },
  root: resolve(root, 'demo'),
  server: { host: '127.0.0.1', port: 5173, strictPort: true, fs: { allow: [root] } },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    rollupOptions: {
      input: {
        widget: resolve(root, 'demo/index.html'),
        agent: resolve(root, 'demo/agent.html'),
        official: resolve(root, 'demo/official.html'),
      },
    },
  },
});
