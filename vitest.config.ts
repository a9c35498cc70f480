import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// One suite for both database drivers: with DATABASE_URL unset every test runs on embedded PGlite,
// with it set the same tests run on that Postgres server (each test file gets a database of its own).
export default defineConfig({
  // graphql ships ESM and CommonJS copies; Apollo's packages load the CommonJS one, so tests must too, or a schema
  // built by one copy is rejected by the other ("Cannot use GraphQLSchema from another module or realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['tests/**/*.test.ts'],
    // One temporary folder per run, removed at its end (tests/support/temp-root.ts).
    globalSetup: ['tests/support/temp-root.ts'],
    // End-to-end tests start the whole product (sandboxes, gateway); on a loaded two-core machine that takes a while.
    testTimeout: 90_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Two cores on CI machines: more workers only add contention on the embedded database and sandboxes.
    maxWorkers: 2,
    // What a page or a poll waits for is drawn or done within a second on a quiet machine, not on a loaded one
    // (a field mapping page under a full suite took over a second to show its first error).
    expect: { poll: { timeout: 10_000 } },
  },
});
