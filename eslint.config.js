// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The dependency direction of ARCHITECTURE.md, enforced rather than remembered.
 * Layers, bottom up: resolver-engine, lib → db → connectors (contract → runtime → <crm>) → subgraphs → gateway → cli.
 * Tests, sandboxes and benchmarks may import anything; product code imports none of them.
 */
const testInfra = ['**/tests/**', '**/sandboxes/**', '**/bench/**'];
const restrict = (/** @type {string[]} */ groups, /** @type {string} */ message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});
const productFiles = (/** @type {string} */ dir) => [`${dir}/**/*.ts`];
/** Every CRM this build supports: each has a connector folder and a subgraph folder, and none may import another. */
const CRMS = ['salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho'];
const connectorsBut = (/** @type {string | null} */ own) => CRMS.filter((c) => c !== own).map((c) => `**/connectors/${c}/**`);
const crmSubgraphsBut = (/** @type {string | null} */ own) => CRMS.filter((c) => c !== own).map((c) => `**/subgraphs/${c}/**`);
const crmRules = CRMS.flatMap((crm) => [
  {
    files: productFiles(`connectors/${crm}`),
    rules: restrict(['**/db/**', ...connectorsBut(crm), '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'A connector imports the contract, the runtime and its own client library, never another CRM.'),
  },
  {
    files: productFiles(`subgraphs/${crm}`),
    rules: restrict([...connectorsBut(crm), ...crmSubgraphsBut(crm), '**/subgraphs/identity/**', '**/subgraphs/golden/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'A CRM subgraph knows its own connector only, never the gateway or another CRM.'),
  },
]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'web/dist/**', '**/*.generated.ts', 'db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: productFiles('resolver-engine'),
    rules: restrict(['**/lib/**', '**/db/**', '**/connectors/**', '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'resolver-engine is pure: it imports nothing of ours.'),
  },
  {
    files: productFiles('lib'),
    rules: restrict(['**/resolver-engine/**', '**/db/**', '**/connectors/**', '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'lib is the leaf of cross-cutting helpers: it imports nothing of ours.'),
  },
  {
    files: productFiles('db'),
    rules: restrict(['**/connectors/**', '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'db may import resolver-engine and lib only.'),
  },
  {
    files: productFiles('connectors/contract'),
    rules: restrict(['**/resolver-engine/**', '**/db/**', '**/connectors/runtime/**', ...connectorsBut(null), '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'The connector contract is a small module of its own: it imports lib only.'),
  },
  {
    files: productFiles('connectors/runtime'),
    rules: restrict(['**/db/**', ...connectorsBut(null), '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'The connector runtime serves every connector and knows none of them.'),
  },
  ...crmRules,
  {
    files: [...productFiles('subgraphs/identity'), ...productFiles('subgraphs/golden'), ...productFiles('subgraphs/native'), ...productFiles('subgraphs/writeback'), ...productFiles('subgraphs/admin')],
    rules: restrict([...connectorsBut(null), ...crmSubgraphsBut(null), '**/gateway/**', '**/cli/**', ...testInfra],
      'Shared subgraphs never import a CRM or the gateway.'),
  },
  {
    files: productFiles('sync'),
    rules: restrict(['**/connectors/runtime/**', ...connectorsBut(null), '**/subgraphs/**', '**/gateway/**', '**/cli/**', ...testInfra],
      'sync reaches CRMs through injected connectors: it imports db, resolver-engine, lib and connectors/contract only.'),
  },
  {
    files: productFiles('gateway'),
    rules: restrict([...connectorsBut(null), ...crmSubgraphsBut(null), '**/cli/**', ...testInfra],
      'The gateway reaches CRM subgraphs through the supergraph, never by importing their code; CRMs are wired in cli/ (the composition root).'),
  },
  {
    // The admin UI runs in the browser: it reaches the product only through the gateway's GraphQL API.
    files: ['web/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['../*', '**/resolver-engine/**', '**/lib/**', '**/db/**', '**/connectors/**', '**/subgraphs/**', '**/gateway/**', '**/cli/**', '**/sync/**', ...testInfra], message: 'web/src talks to the product only through /graphql: it imports nothing of ours outside web/src.' },
        { group: ['node:*'], message: 'web/src runs in the browser: no Node modules.' },
      ] }],
    },
  },
  {
    files: ['web/*.ts'],
    rules: restrict(['**/resolver-engine/**', '**/db/**', '**/connectors/**', '**/subgraphs/**', '**/gateway/**', '**/cli/**', '**/sync/**', ...testInfra],
      'web/ serves the browser bundle; it needs nothing of the product.'),
  },
  {
    files: productFiles('cli'),
    rules: restrict(testInfra, 'Product code never imports tests, sandboxes or benchmarks; the demo starts the sandboxes as a child process.'),
  },
);
