import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core-asm/test/**/*.test.ts', 'host-node/src/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts', 'legacy-com-bridge/test/**/*.test.ts', 'legacy-com-bridge/native/test/**/*.test.ts', 'host-browser/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.case.test.ts'],
    testTimeout: 60000,
    hookTimeout: 120000,
    pool: 'forks',
  },
});
