/**
 * The `/_sandbox/` control plane shared by every CRM sandbox: call statistics, latency and fault injection,
 * a ledger of applied writes, seeding and reset. Each sandbox plugs in how its CRM renders a rate-limit or
 * server error, so clients see the CRM's own shapes.
 */
import express from 'express';
import type { Request, Response, NextFunction, Router } from 'express';

export type FaultKind = 'rate-limit' | 'server-error' | 'timeout' | 'reset-after-write' | 'reset';

export interface FaultRule {
  kind: FaultKind;
  /** Probability in [0,1] that a matching request gets this fault. */
  rate?: number;
  /** Deterministic schedule: the 1-based indexes (counted over matching requests) that get this fault. */
  schedule?: number[];
  /** Only requests whose method+path matches this regular expression (default: every API request). */
  match?: string;
  /** Seconds to put in Retry-After for rate-limit faults (default 1). */
  retryAfterSeconds?: number;
  /** How many times this rule may still fire (default unlimited). */
  remaining?: number;
}

export interface LatencySpec {
  /** Fixed milliseconds, or a uniform range [minMs, maxMs], or a normal distribution. */
  fixedMs?: number;
  minMs?: number;
  maxMs?: number;
  meanMs?: number;
  stddevMs?: number;
}

export interface LedgerEntry {
  seq: number;
  at: string;
  method: string;
  route: string;
  objectType: string;
  recordId: string;
  operation: 'create' | 'update' | 'upsert' | 'delete' | 'undelete';
  fields: Record<string, unknown>;
}

export interface SandboxHooks {
  /** Renders a rate-limit answer in the CRM's own shape. */
  rateLimited(res: Response, retryAfterSeconds: number): void;
  /** Renders a 5xx answer in the CRM's own shape. */
  serverError(res: Response): void;
  /** Clears all records and loads the given seed folder (or the built-in demo set when absent). */
  reset(seedDir?: string): Promise<void> | void;
  /** Extra limits the sandbox understands (daily budget, per-window limit...). */
  setLimits(limits: Record<string, number>): void;
  getLimits(): Record<string, number>;
}

export class ControlPlane {
  readonly stats = new Map<string, number>();
  total = 0;
  readonly ledger: LedgerEntry[] = [];
  private faults: (FaultRule & { seen: number })[] = [];
  private latency: LatencySpec = {};
  private seq = 0;

  constructor(private readonly hooks: SandboxHooks) {}

  /** Records a write the sandbox has applied; tests and benchmarks read the ledger to count real side effects. */
  recordWrite(entry: Omit<LedgerEntry, 'seq' | 'at'>): void {
    this.ledger.push({ ...entry, seq: ++this.seq, at: new Date().toISOString() });
  }

  /** Middleware placed before the CRM routes: counts the call, then applies latency and faults. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (req.path.startsWith('/_sandbox')) return next();
      const route = routeKey(req);
      this.stats.set(route, (this.stats.get(route) ?? 0) + 1);
      this.total++;
      const delay = sampleLatency(this.latency);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const fault = this.pickFault(`${req.method} ${req.path}`);
      if (!fault) return next();
      switch (fault.kind) {
        case 'rate-limit':
          return this.hooks.rateLimited(res, fault.retryAfterSeconds ?? 1);
        case 'server-error':
          return this.hooks.serverError(res);
        case 'timeout':
          // Never answer; the client's own timeout decides. The socket is closed after a minute so nothing leaks.
          setTimeout(() => req.socket.destroy(), 60_000).unref();
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'reset-after-write': {
          // Let the handler apply the write, then drop the connection instead of answering.
          const destroy = () => req.socket.destroy();
          res.writeHead = (() => res) as never;
          res.write = (() => true) as never;
          res.end = ((..._args: unknown[]) => {
            destroy();
            return res;
          }) as never;
          return next();
        }
      }
    };
  }

  private pickFault(target: string): FaultRule | undefined {
    for (const rule of this.faults) {
      if (rule.match && !new RegExp(rule.match).test(target)) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      rule.seen++;
      const hit = rule.schedule ? rule.schedule.includes(rule.seen) : Math.random() < (rule.rate ?? 0);
      if (hit) {
        if (rule.remaining !== undefined) rule.remaining--;
        return rule;
      }
    }
    return undefined;
  }

  /** The `/_sandbox/` routes. */
  router(): Router {
    const r = express.Router();
    r.use(express.json({ limit: '50mb' }));
    r.get('/stats', (_req, res) => {
      res.json({ total: this.total, routes: Object.fromEntries(this.stats) });
    });
    r.post('/stats/reset', (_req, res) => {
      this.stats.clear();
      this.total = 0;
      res.json({ ok: true });
    });
    r.put('/latency', (req, res) => {
      this.latency = (req.body ?? {}) as LatencySpec;
      res.json({ latency: this.latency });
    });
    r.put('/faults', (req, res) => {
      const rules = (Array.isArray(req.body) ? req.body : (req.body?.rules ?? [])) as FaultRule[];
      this.faults = rules.map((f) => ({ ...f, seen: 0 }));
      res.json({ faults: this.faults });
    });
    r.delete('/faults', (_req, res) => {
      this.faults = [];
      res.json({ faults: [] });
    });
    r.get('/limits', (_req, res) => res.json(this.hooks.getLimits()));
    r.put('/limits', (req, res) => {
      this.hooks.setLimits((req.body ?? {}) as Record<string, number>);
      res.json(this.hooks.getLimits());
    });
    r.get('/ledger', (req, res) => {
      const since = Number(req.query.since ?? 0);
      res.json({ entries: this.ledger.filter((e) => e.seq > since) });
    });
    r.delete('/ledger', (_req, res) => {
      this.ledger.length = 0;
      res.json({ ok: true });
    });
    r.post('/reset', async (req, res) => {
      try {
        await this.hooks.reset((req.body as { seedDir?: string } | undefined)?.seedDir);
        this.ledger.length = 0;
        this.stats.clear();
        this.total = 0;
        this.faults = [];
        this.latency = {};
        res.json({ ok: true });
      } catch (err) {
        res.status(400).json({ error: (err as Error).message });
      }
    });
    return r;
  }
}

/** Groups calls by method and path shape (ids replaced), e.g. `GET /services/data/v60.0/query`. */
export function routeKey(req: Request): string {
  const path = req.path
    .replace(/\/v\d+\.\d+\//, '/vXX.X/')
    .split('/')
    .map((seg) => {
      if (/^[A-Za-z0-9]{15,18}-\d+$/.test(seg)) return ':locator';
      return /^[0-9]+$/.test(seg) || (/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(seg) && /\d/.test(seg)) ? ':id' : seg;
    })
    .join('/');
  return `${req.method} ${path}`;
}

function sampleLatency(spec: LatencySpec): number {
  if (spec.fixedMs !== undefined) return spec.fixedMs;
  if (spec.minMs !== undefined && spec.maxMs !== undefined) return spec.minMs + Math.random() * (spec.maxMs - spec.minMs);
  if (spec.meanMs !== undefined) {
    // Box-Muller: a normal sample, clipped at zero.
    const u = 1 - Math.random();
    const v = Math.random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, spec.meanMs + z * (spec.stddevMs ?? 0));
  }
  return 0;
}
