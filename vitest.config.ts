import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'generator/**/*.test.ts', 'mock/**/*.test.ts', 'spec/**/*.test.ts', 'client/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind loopback ports and share the machine's Mosquitto; files run in
    // parallel processes but each test picks its own ports and topic prefixes.
    pool: 'forks',
  },
});
