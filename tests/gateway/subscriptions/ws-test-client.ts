/**
 * A graphql-ws client for tests (the real `createClient` over `ws`): subscriptions collect their results in an
 * array and can be awaited for the n-th one.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { FormattedExecutionResult } from 'graphql';

export function wsClient(httpUrl: string, connectionParams?: Record<string, unknown>, onClosed?: (code: number) => void): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(connectionParams ? { connectionParams } : {}),
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
}

export interface Collected {
  results: FormattedExecutionResult[];
  /** Resolves once `count` results arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<FormattedExecutionResult[]>;
  error: unknown;
  completed: boolean;
  unsubscribe(): void;
}

export function collect(client: Client, query: string, variables?: Record<string, unknown>): Collected {
  const waiters: { count: number; resolve: () => void }[] = [];
  const out: Collected = {
    results: [],
    error: undefined,
    completed: false,
    unsubscribe: () => {},
    waitFor(count, timeoutMs = 5000) {
      if (out.results.length >= count) return Promise.resolve(out.results);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${out.results.length} of ${count} results; error: ${JSON.stringify(out.error)}`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(out.results); } });
      });
    },
  };
  const settle = () => {
    for (const w of [...waiters]) {
      if (out.results.length >= w.count || out.error || out.completed) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  out.unsubscribe = client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (r) => { out.results.push(r as FormattedExecutionResult); settle(); },
      error: (e) => { out.error = e; settle(); },
      complete: () => { out.completed = true; settle(); },
    },
  );
  return out;
}

/** Polls `check` until it holds (the server registered a subscription, say). */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Subscribes and resolves once the server counts one subscriber more than before, so no event published after
 * this returns is missed. A count that merely changed (a connection opening, event counters moving) is not
 * enough: the subscription may not be registered yet.
 */
export async function subscribeRegistered(
  subscribers: () => number, client: Client, query: string, variables?: Record<string, unknown>, timeoutMs = 5000,
): Promise<Collected> {
  const before = subscribers();
  const sub = collect(client, query, variables);
  await until(() => subscribers() > before, timeoutMs);
  return sub;
}
