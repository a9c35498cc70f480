/**
 * Custom survivorship functions, registered by name so a mapping configuration (plain data, stored in the
 * database) can refer to code. Validation rejects a configuration that names an unregistered function.
 */
import type { Candidate } from '../model.ts';
import type { StrategyContext } from './strategy.ts';
import { anyTrueFunction } from './functions/any-true.ts';

export interface SurvivorshipFunctionResult {
  value: unknown;
  winner?: Candidate | null;
  detail?: string;
}

export type SurvivorshipFunction = ((candidates: readonly Candidate[], ctx: StrategyContext) => SurvivorshipFunctionResult) & {
  /**
   * The golden field types the function decides (e.g. ['Boolean']); absent: any. A configuration that gives it a
   * field of another type is refused, as it would write its answer (`false`) over every record's value.
   */
  readonly valueTypes?: readonly string[];
};

export class SurvivorshipFunctionRegistry {
  readonly #functions = new Map<string, SurvivorshipFunction>();

  constructor(initial: Record<string, SurvivorshipFunction> = {}) {
    for (const [name, fn] of Object.entries(initial)) this.register(name, fn);
  }

  register(name: string, fn: SurvivorshipFunction): void {
    if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`invalid survivorship function name '${name}'`);
    // Silently replacing a function would change golden values without any configuration change.
    if (this.#functions.has(name)) throw new Error(`survivorship function '${name}' is already registered`);
    this.#functions.set(name, fn);
  }

  get(name: string): SurvivorshipFunction | undefined {
    return this.#functions.get(name);
  }

  has(name: string): boolean {
    return this.#functions.has(name);
  }

  names(): string[] {
    return [...this.#functions.keys()].sort();
  }
}

/** Functions shipped with the product; the default configuration uses them. */
export const builtInSurvivorshipFunctions: Readonly<Record<string, SurvivorshipFunction>> = Object.freeze({
  anyTrue: Object.assign(anyTrueFunction, { valueTypes: ['Boolean'] }),
});

/** The process-wide registry used when callers do not pass their own. */
export const defaultSurvivorshipFunctions = new SurvivorshipFunctionRegistry(builtInSurvivorshipFunctions);

export function registerSurvivorshipFunction(name: string, fn: SurvivorshipFunction): void {
  defaultSurvivorshipFunctions.register(name, fn);
}
