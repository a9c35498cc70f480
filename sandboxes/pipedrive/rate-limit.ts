/**
 * Pipedrive's token-based limits: per credential, a burst window of 2 seconds and a daily budget, reported on
 * every authenticated /api answer with `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (seconds
 * to the window's end) and `x-daily-requests-left`. Refused calls do not spend budget.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from './auth.ts';
import { rateLimited, sendError } from './errors.ts';

export interface RateLimitOptions {
  /** Requests per 2-second window per credential. */
  burst: number;
  /** Requests per UTC day per credential. */
  daily: number;
}

const WINDOW_MS = 2_000;

interface Usage {
  window: number[];
  dailyUsed: number;
}

export class RateLimiter {
  private readonly usage = new Map<string, Usage>();
  private day = utcDay();

  constructor(public opts: RateLimitOptions) {}

  reset(): void {
    this.usage.clear();
    this.day = utcDay();
  }

  private of(key: string, now: number): Usage {
    if (utcDay() !== this.day) {
      this.day = utcDay();
      for (const u of this.usage.values()) u.dailyUsed = 0;
    }
    let u = this.usage.get(key);
    if (!u) this.usage.set(key, (u = { window: [], dailyUsed: 0 }));
    while (u.window.length && u.window[0]! <= now - WINDOW_MS) u.window.shift();
    return u;
  }

  /** What `GET /_sandbox/limits` shows: the limits, and use summed over every credential (and per credential). */
  report() {
    const now = Date.now();
    const byCredential = Object.fromEntries([...this.usage.keys()].map((k) => {
      const u = this.of(k, now);
      return [k, { dailyUsed: u.dailyUsed, burstUsed: u.window.length }];
    }));
    const sum = (pick: (u: { dailyUsed: number; burstUsed: number }) => number) => Object.values(byCredential).reduce((n, u) => n + pick(u), 0);
    return {
      daily: { used: sum((u) => u.dailyUsed), limit: this.opts.daily },
      burst: { used: sum((u) => u.burstUsed), limit: this.opts.burst, windowSeconds: WINDOW_MS / 1000 },
      byCredential,
    };
  }

  private setHeaders(res: Response, u: Usage, now: number): void {
    const resetMs = u.window.length ? u.window[0]! + WINDOW_MS - now : WINDOW_MS;
    res.setHeader('x-ratelimit-limit', String(this.opts.burst));
    res.setHeader('x-ratelimit-remaining', String(Math.max(0, this.opts.burst - u.window.length)));
    res.setHeader('x-ratelimit-reset', String(Math.max(1, Math.ceil(resetMs / 1000))));
    res.setHeader('x-daily-requests-left', String(Math.max(0, this.opts.daily - u.dailyUsed)));
  }

  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      const now = Date.now();
      const caller = res.locals.caller as Caller;
      const u = this.of(caller.budgetKey, now);
      if (u.dailyUsed >= this.opts.daily) {
        this.setHeaders(res, u, now);
        const midnight = new Date(now);
        midnight.setUTCHours(24, 0, 0, 0);
        return this.refuse(res, (midnight.getTime() - now) / 1000);
      }
      if (u.window.length >= this.opts.burst) {
        this.setHeaders(res, u, now);
        return this.refuse(res, (u.window[0]! + WINDOW_MS - now) / 1000);
      }
      u.window.push(now);
      u.dailyUsed++;
      this.setHeaders(res, u, now);
      next();
    };
  }

  private refuse(res: Response, retryAfterSeconds: number): void {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
    sendError(res, rateLimited());
  }

  /** The control plane's injected rate-limit fault: the same 429 a real overflow gives. */
  renderFault(res: Response, retryAfterSeconds: number): void {
    res.setHeader('x-ratelimit-limit', String(this.opts.burst));
    res.setHeader('x-ratelimit-remaining', '0');
    res.setHeader('x-ratelimit-reset', String(Math.max(1, Math.ceil(retryAfterSeconds))));
    this.refuse(res, retryAfterSeconds);
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
