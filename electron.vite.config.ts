import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Entry points follow electron-vite's conventions: src/main, src/preload, src/renderer.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: 'src/main/index.ts',
          // ONNX Runtime's worker thread, emitted beside index.js (see BUNDLED_INFERENCE_WORKER).
          inferenceWorker: 'src/main/engine/models/inferenceWorker.ts',
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file.
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    plugins: [react()],
  },
});
