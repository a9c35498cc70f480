/**
 * Debian's chromium through playwright-core, as every admin-UI test uses it: launched once per file, loopback only,
 * and every page watched for script errors (a page that throws fails the test instead of leaving a dead page).
 * Without chromium the browser tests are skipped with one warning saying how to install it.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`tests/web: browser tests SKIPPED — no chromium at ${CHROMIUM}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
}

export interface BrowserSession {
  /** A new page whose script errors are collected for `assertNoPageErrors`. */
  newPage(): Promise<Page>;
  /** In afterEach: no page of this file threw. */
  assertNoPageErrors(): void;
  close(): Promise<void>;
}

/** Launches chromium, or returns undefined when it is not installed (the tests then skip through `hasChromium`). */
export async function launchBrowser(): Promise<BrowserSession | undefined> {
  if (!hasChromium) return undefined;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI containers has no user namespaces for the sandbox; the pages are our own, on loopback.
    // Host names other than loopback resolve to nothing: the browser must not reach beyond this machine.
    args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
  const pageErrors: Error[] = [];
  return {
    async newPage() {
      const page = await browser.newPage();
      page.on('pageerror', (err) => pageErrors.push(err));
      return page;
    },
    assertNoPageErrors() {
      expect(pageErrors.map(String)).toEqual([]);
    },
    close: () => browser.close(),
  };
}
