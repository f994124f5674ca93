import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // Ink treats any CI variable as CI mode and draws only the last frame (stack.md).
    env: { CI: 'false', FORCE_COLOR: '0' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
