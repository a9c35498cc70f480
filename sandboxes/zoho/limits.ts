/**
 * Zoho's API limits: credits per 24 hours (every API call costs one; token calls cost none) and a cap on calls in
 * flight per org. Over either → 429 TOO_MANY_REQUESTS with no Retry-After and no rate headers: Zoho tells clients
 * nothing, they must keep their own budget. Refused calls (401, 429) cost no credit.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendError, tooManyRequests, ZohoError } from './errors.ts';

const DAY_MS = 86_400_000;

export interface LimitOptions {
  creditsPerDay: number;
  concurrency: number;
}

export class ApiLimits {
  private inFlight = 0;
  private creditsUsed = 0;
  private periodStart = Date.now();

  constructor(public opts: LimitOptions) {}

  reset(): void {
    this.creditsUsed = 0;
    this.periodStart = Date.now();
  }

  used(): number {
    if (Date.now() - this.periodStart >= DAY_MS) this.reset();
    return this.creditsUsed;
  }

  /**
   * Placed before the control plane's latency, so a call counts as in flight for its whole life (injected latency
   * stands for the CRM's processing time). It only marks an over-limit call; `middleware()` refuses it after auth.
   */
  tracker() {
    return (_req: Request, res: Response, next: NextFunction) => {
      this.inFlight++;
      res.locals.overConcurrency = this.inFlight > this.opts.concurrency;
      let done = false;
      const finish = () => {
        if (!done) this.inFlight--;
        done = true;
      };
      res.once('finish', finish);
      res.once('close', finish);
      next();
    };
  }

  /** After auth: refuses over-concurrency calls and calls beyond the day's credits, else spends one credit. */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      if (res.locals.overConcurrency) {
        return sendError(res, tooManyRequests(`The number of concurrent requests exceeds the org's limit of ${this.opts.concurrency}`));
      }
      if (this.used() >= this.opts.creditsPerDay) {
        return sendError(res, tooManyRequests('You have reached the maximum number of API credits for the day'));
      }
      this.creditsUsed++;
      next();
    };
  }

  /** The control plane's injected rate-limit fault: Zoho's 429 body, with the Retry-After the fault asks for. */
  renderFault(res: Response, retryAfterSeconds: number): void {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
    sendError(res, new ZohoError(429, 'TOO_MANY_REQUESTS', 'Too many requests'));
  }
}
