import { defineConfig } from 'vitest/config';

// One suite for both database drivers: with DATABASE_URL unset every test runs on embedded PGlite,
// with it set the same tests run on that Postgres server (each test file gets a database of its own).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI machines: more workers only add contention on the embedded database and sandboxes.
    maxWorkers: 2,
  },
});
