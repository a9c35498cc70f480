/**
 * The lifecycle every admin-UI test file shares: the API tokens set for the file, the product started like `npm
 * start` (tests/support/test-app.ts) and chromium launched once; after each test no page may have thrown; at the end
 * both are closed and the tokens unset. `ready` receives the app and the browser (undefined without chromium) for the
 * file's own variables and any setup of its own.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestApp } from '../../support/test-app.ts';
import type { StartTestAppOptions, TestApp } from '../../support/test-app.ts';
import { launchBrowser } from './browser.ts';
import type { BrowserSession } from './browser.ts';

export function useAdminUiApp(opts: {
  /** CUSTOMER_GRAPH_API_TOKENS for the file (comma-separated). */
  tokens: string;
  start?: StartTestAppOptions;
  ready(app: TestApp, session: BrowserSession | undefined): void | Promise<void>;
}): void {
  let app: TestApp | undefined;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = opts.tokens;
    app = await startTestApp(opts.start);
    session = await launchBrowser();
    await opts.ready(app, session);
  }, 240_000);
  afterEach(() => {
    session?.assertNoPageErrors();
  });
  afterAll(async () => {
    await session?.close();
    await app?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });
}
