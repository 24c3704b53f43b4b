import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tools/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Real models on real photos on a 2-core machine: correctness tests carry no wall-clock limit.
    testTimeout: 0,
    hookTimeout: 0,
    // Native addons (ONNX Runtime, OpenCV) are safest in child processes rather than worker threads.
    pool: 'forks',
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
