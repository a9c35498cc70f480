/**
 * Retries with exponential backoff and FULL jitter (delay drawn uniformly from [0, min(cap, base·2^(n-1))]),
 * which spreads a crowd of failed callers instead of having them retry in lock-step, and never earlier than a
 * CRM's Retry-After. Plus a per-call timeout that aborts the call and reports CRM_TIMEOUT.
 */
import { ConnectorError } from '../contract/errors.ts';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started when it would end after this much time since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 30_000, maxElapsedMs: 120_000 };

/** Full-jitter delay before retry number `retry` (1 for the first retry). */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** The delay actually waited: the jittered backoff, but never less than what the CRM asked for. */
export function retryDelayMs(error: ConnectorError, retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  return Math.max(backoffDelayMs(retry, policy, random), error.retryAfterMs ?? 0);
}

export interface RetryInfo {
  /** The retry about to happen (1 = second attempt). */
  retry: number;
  delayMs: number;
  error: ConnectorError;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  random?: () => number;
  /** Decides whether an error may be retried; default: ConnectorErrors flagged retryable. */
  isRetryable?: (error: ConnectorError) => boolean;
  onRetry?: (info: RetryInfo) => void;
}

/** Runs `fn` until it succeeds, fails with a non-retryable error, or the policy's attempts/time run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const isRetryable = options.isRetryable ?? ((e: ConnectorError) => e.retryable);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof ConnectorError) || !isRetryable(err) || attempt >= policy.maxAttempts) throw err;
      const delayMs = retryDelayMs(err, attempt, policy, options.random);
      // Waiting past the deadline only delays the inevitable failure.
      if (Date.now() - started + delayMs > policy.maxElapsedMs) throw err;
      options.onRetry?.({ retry: attempt, delayMs, error: err });
      await sleep(delayMs, options.signal);
    }
  }
}

/** Resolves after `ms`; rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs`, and rejects with CRM_TIMEOUT then even if `fn`
 * ignores its signal. An abort of `parentSignal` (the caller giving up) is passed through unchanged.
 */
export async function withTimeout<T>(crm: string, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>, parentSignal?: AbortSignal): Promise<T> {
  parentSignal?.throwIfAborted();
  const controller = new AbortController();
  const timeoutError = new ConnectorError('CRM_TIMEOUT', crm, `no answer within ${timeoutMs} ms`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onParentAbort = () => controller.abort(parentSignal?.reason);
  parentSignal?.addEventListener('abort', onParentAbort, { once: true });
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } catch (err) {
    // fetch rejects with its own AbortError when our timer fired; report the timeout instead.
    if (controller.signal.aborted && controller.signal.reason === timeoutError) throw timeoutError;
    throw err;
  } finally {
    clearTimeout(timer);
    parentSignal?.removeEventListener('abort', onParentAbort);
  }
}
