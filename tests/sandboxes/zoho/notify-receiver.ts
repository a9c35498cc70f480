/** A loopback notify_url for the Notifications tests: records every POST, answers the next of `statuses` (then 200). */
import { expect, vi } from 'vitest';
import type { RunningZohoSandbox } from '../../../sandboxes/zoho/index.ts';
import { startLoopbackReceiver } from '../support/loopback-receiver.ts';

export type { Received } from '../support/loopback-receiver.ts';

/** `delayMs`: how long the receiver holds each answer (a slow notify_url). */
export const startReceiver = (statuses: number[] = [], delayMs = 0) => startLoopbackReceiver({ statuses, delayMs, path: '/webhooks/zoho-1' });

/** Every delivery, first attempts and retries, has ended. */
export const drained = (sandbox: RunningZohoSandbox) =>
  vi.waitFor(() => expect(sandbox.notifications.delivery.pending()).toBe(0), { timeout: 10_000, interval: 10 });

/** An ISO time `ms` from now in the org offset style the API takes (any offset works; UTC here). */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
