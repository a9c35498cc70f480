/**
 * One rate budget per CRM account per process. Every connector instance, subgraph and worker that talks to the
 * same account asks this registry, so they all queue on the same budget instead of each spending the quota.
 */
import { RateBudget } from './rate-budget.ts';
import type { RateBudgetOptions } from './rate-budget.ts';

export class RateBudgetRegistry {
  private readonly budgets = new Map<string, RateBudget>();

  /**
   * The budget of `options.crm`/`options.accountId`, created from `options` on first use. Later callers get the
   * same instance; their limit options are ignored (use `budget.configure` to change limits).
   */
  forAccount(options: RateBudgetOptions): RateBudget {
    const key = RateBudgetRegistry.key(options.crm, options.accountId);
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new RateBudget(options);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  get(crm: string, accountId: string): RateBudget | undefined {
    return this.budgets.get(RateBudgetRegistry.key(crm, accountId));
  }

  /** Every budget, for metrics and the sync-health page. */
  all(): RateBudget[] {
    return [...this.budgets.values()];
  }

  delete(crm: string, accountId: string): boolean {
    return this.budgets.delete(RateBudgetRegistry.key(crm, accountId));
  }

  private static key(crm: string, accountId: string): string {
    return `${crm}\u0000${accountId}`;
  }
}

/** The process-wide registry product code uses; tests create their own. */
export const rateBudgets = new RateBudgetRegistry();
