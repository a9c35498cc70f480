/** The shared `/_sandbox/*` control routes (sandboxes/common/control-plane.ts), spoken over HTTP like any client. */
import type { ContractSandbox } from './harness.ts';

export interface SandboxStats {
  total: number;
  routes: Record<string, number>;
}

async function control<T>(sandbox: ContractSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox control ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export const stats = (sandbox: ContractSandbox) => control<SandboxStats>(sandbox, 'GET', '/stats');
export const resetStats = (sandbox: ContractSandbox) => control<unknown>(sandbox, 'POST', '/stats/reset');

export interface FaultRule {
  kind: 'rate-limit' | 'server-error' | 'timeout' | 'reset-after-write' | 'reset';
  rate?: number;
  schedule?: number[];
  match?: string;
  retryAfterSeconds?: number;
  remaining?: number;
}

export const setFaults = (sandbox: ContractSandbox, rules: FaultRule[]) => control<unknown>(sandbox, 'PUT', '/faults', rules);
export const clearFaults = (sandbox: ContractSandbox) => control<unknown>(sandbox, 'DELETE', '/faults');
export const setLatency = (sandbox: ContractSandbox, spec: { fixedMs?: number; minMs?: number; maxMs?: number }) =>
  control<unknown>(sandbox, 'PUT', '/latency', spec);
export const getLimits = (sandbox: ContractSandbox) => control<Record<string, number>>(sandbox, 'GET', '/limits');
export const putLimits = (sandbox: ContractSandbox, limits: Record<string, number>) => control<Record<string, number>>(sandbox, 'PUT', '/limits', limits);

/** Calls made to the sandbox while `fn` ran, per route (the token route included). */
export async function countCalls<T>(sandbox: ContractSandbox, fn: () => Promise<T>): Promise<{ result: T; calls: SandboxStats }> {
  const before = await stats(sandbox);
  const result = await fn();
  const after = await stats(sandbox);
  const routes: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.routes)) {
    const delta = n - (before.routes[route] ?? 0);
    if (delta > 0) routes[route] = delta;
  }
  return { result, calls: { total: after.total - before.total, routes } };
}
