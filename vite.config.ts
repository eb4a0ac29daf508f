import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/** The demo site (widget + agent console), served from `demo/` and built into `dist/demo`. */
export default defineConfig({
  root: resolve(root, 'demo'),
  server: { host: '127.0.0.1', port: 5173, strictPort: true, fs: { allow: [root] } },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'dist/demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        widget: resolve(root, 'demo/index.html'),
        agent: resolve(root, 'demo/agent.html'),
      },
    },
  },
});
