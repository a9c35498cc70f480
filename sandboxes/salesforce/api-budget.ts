/**
 * The org's daily API request budget (DailyApiRequests). Every authenticated data call spends one request;
 * once the budget is gone calls get 403 REQUEST_LIMIT_EXCEEDED until the next UTC day. The usage is reported
 * in `Sforce-Limit-Info` on every data call, which jsforce exposes as `conn.limitInfo`.
 */
import { startOfUtcDay } from './time.ts';

export class ApiBudget {
  used = 0;
  private day = startOfUtcDay(Date.now());

  constructor(public limit: number) {}

  /** Spends one request; false when the budget is exhausted (the call is then refused, and not counted). */
  consume(): boolean {
    this.rollOver();
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  remaining(): number {
    this.rollOver();
    return Math.max(0, this.limit - this.used);
  }

  header(): string {
    return `api-usage=${this.used}/${this.limit}`;
  }

  reset(): void {
    this.used = 0;
    this.day = startOfUtcDay(Date.now());
  }

  private rollOver(): void {
    const today = startOfUtcDay(Date.now());
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
  }
}
