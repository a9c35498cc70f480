/**
 * Dataverse's service-protection request limit: per client id, N requests (default 6000) in a sliding 5-minute
 * window. Over it → 429 with `Retry-After` (seconds until the oldest counted request leaves the window) and
 * `0x80072322`. A `$batch` is one request; refused calls (401, 429) count nothing. Every counted answer carries
 * `x-ms-ratelimit-burst-remaining-xrm-requests`, as Dataverse's do.
 */
import type { NextFunction, Request, Response } from 'express';
import { CODES, DataverseError } from './errors.ts';

export const WINDOW_MS = 300_000;

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(public limit: number) {}

  reset(): void {
    this.windows.clear();
  }

  private window(clientId: string, now: number): number[] {
    let w = this.windows.get(clientId);
    if (!w) this.windows.set(clientId, (w = []));
    while (w.length && w[0]! <= now - WINDOW_MS) w.shift();
    return w;
  }

  /** Requests counted in the current window, summed over clients (what `/_sandbox/limits` reports). */
  used(): number {
    const now = Date.now();
    return [...this.windows.keys()].reduce((n, k) => n + this.window(k, now).length, 0);
  }

  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      const now = Date.now();
      const w = this.window(res.locals.clientId as string, now);
      if (w.length >= this.limit) return this.refuse(res, (w[0]! + WINDOW_MS - now) / 1000);
      w.push(now);
      res.setHeader('x-ms-ratelimit-burst-remaining-xrm-requests', String(Math.max(0, this.limit - w.length)));
      next();
    };
  }

  /** The 429 of a real overflow, also used for the control plane's injected rate-limit faults. */
  refuse(res: Response, retryAfterSeconds: number): void {
    const err = new DataverseError(429, CODES.tooManyRequests, `Number of requests exceeded the limit of ${this.limit} over time window of 300 seconds.`);
    const answer = err.answer();
    res.status(429).set({ ...answer.headers, 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) }).send(answer.body);
  }
}
