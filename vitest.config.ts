import { defineConfig } from 'vitest/config';

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

export default defineConfig({
  oxc: jsx,
  test: {
    projects: [
      { oxc: jsx, test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'] } },
      {
        oxc: jsx,
        test: {
          name: 'db',
          include: ['test/db/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        oxc: jsx,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,tsx}'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
