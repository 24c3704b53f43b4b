import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Entry points follow electron-vite's conventions: src/main, src/preload, src/renderer.
export default defineConfig({
  main: {},
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
