/**
 * HubSpot's API limits: a rolling 10-second window per app and a daily budget per account, reported on every
 * response with the `X-HubSpot-RateLimit-*` headers, plus the optional per-second search limit (no headers, as
 * HubSpot's search endpoints often omit them). Refused calls do not consume budget.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendRateLimited } from './errors.ts';
import type { Caller } from './auth.ts';

export interface RateLimitOptions {
  tenSecondLimit: number;
  dailyLimit: number;
  /** Search requests per second; 0 turns the search limit off. */
  searchPerSecondLimit: number;
}

const INTERVAL_MS = 10_000;

export class RateLimiter {
  private window: number[] = [];
  private searchWindow: number[] = [];
  private dailyUsed = 0;
  private day = utcDay();

  constructor(public opts: RateLimitOptions) {}

  reset(): void {
    this.window = [];
    this.searchWindow = [];
    this.dailyUsed = 0;
    this.day = utcDay();
  }

  usage() {
    this.roll(Date.now());
    return { tenSecondUsed: this.window.length, dailyUsed: this.dailyUsed };
  }

  private roll(now: number): void {
    if (utcDay() !== this.day) {
      this.day = utcDay();
      this.dailyUsed = 0;
    }
    while (this.window.length && this.window[0]! <= now - INTERVAL_MS) this.window.shift();
    while (this.searchWindow.length && this.searchWindow[0]! <= now - 1000) this.searchWindow.shift();
  }

  /** Headers HubSpot sends; the daily pair only for private apps (reference §2.10). */
  private setHeaders(res: Response, caller: Caller | undefined): void {
    res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', String(INTERVAL_MS));
    res.setHeader('X-HubSpot-RateLimit-Max', String(this.opts.tenSecondLimit));
    res.setHeader('X-HubSpot-RateLimit-Remaining', String(Math.max(0, this.opts.tenSecondLimit - this.window.length)));
    if (caller?.kind !== 'oauth') {
      res.setHeader('X-HubSpot-RateLimit-Daily', String(this.opts.dailyLimit));
      res.setHeader('X-HubSpot-RateLimit-Daily-Remaining', String(Math.max(0, this.opts.dailyLimit - this.dailyUsed)));
    }
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const now = Date.now();
      this.roll(now);
      const caller = res.locals.caller as Caller | undefined;
      if (this.dailyUsed >= this.opts.dailyLimit) {
        this.setHeaders(res, caller);
        const midnight = new Date();
        midnight.setUTCHours(24, 0, 0, 0);
        return sendRateLimited(res, 'DAILY', (midnight.getTime() - now) / 1000);
      }
      if (this.window.length >= this.opts.tenSecondLimit) {
        this.setHeaders(res, caller);
        return sendRateLimited(res, 'TEN_SECONDLY_ROLLING', (this.window[0]! + INTERVAL_MS - now) / 1000);
      }
      const isSearch = req.method === 'POST' && /\/search$/.test(req.path);
      if (isSearch && this.opts.searchPerSecondLimit > 0) {
        if (this.searchWindow.length >= this.opts.searchPerSecondLimit) return sendRateLimited(res, 'SECONDLY', 1);
        this.searchWindow.push(now);
      }
      this.window.push(now);
      this.dailyUsed++;
      this.setHeaders(res, caller);
      next();
    };
  }

  /** The answer of the control plane's rate-limit fault: the same 429 a real window overflow gives. */
  renderFault(res: Response, retryAfterSeconds: number): void {
    this.roll(Date.now());
    res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', String(INTERVAL_MS));
    res.setHeader('X-HubSpot-RateLimit-Max', String(this.opts.tenSecondLimit));
    res.setHeader('X-HubSpot-RateLimit-Remaining', '0');
    sendRateLimited(res, 'TEN_SECONDLY_ROLLING', retryAfterSeconds);
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
