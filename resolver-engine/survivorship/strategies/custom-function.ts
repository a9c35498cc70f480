import type { SurvivorshipStrategy } from '../strategy.ts';

/** Delegates to a function registered by name (registerSurvivorshipFunction); `rule.function` names it. */
export const customFunction: SurvivorshipStrategy = {
  name: 'custom',
  description: 'A function registered by name decides.',
  decide(candidates, ctx) {
    const name = ctx.rule.function ?? '';
    const fn = ctx.functions.get(name);
    // Validation rejects unknown names, so reaching this means the registry changed after validation.
    if (!fn) throw new Error(`survivorship function '${name}' (field ${ctx.field}) is not registered`);
    const result = fn(candidates, ctx);
    return { value: result.value, winner: result.winner ?? null, detail: result.detail ?? `decided by function '${name}'` };
  },
  check(rule, functions) {
    if (rule.function === undefined) return [{ key: 'function', message: "strategy 'custom' needs 'function': the name of a registered survivorship function" }];
    if (!functions.has(rule.function)) {
      return [{ key: 'function', message: `unknown custom function '${rule.function}'; registered: ${functions.names().join(', ') || 'none'}` }];
    }
    return [];
  },
};
