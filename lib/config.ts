/**
 * Process configuration from the environment, validated once at start (zod). Every variable is listed in the
 * README's configuration table with its default; keep the two in step.
 */
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from './logger.ts';
import { ProductError } from './product-error.ts';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  CUSTOMER_GRAPH_DATA_DIR: z.string().default('.data'),
  CUSTOMER_GRAPH_SECRET_KEY: z.string().optional(),
  CUSTOMER_GRAPH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  CUSTOMER_GRAPH_METADATA_REFRESH_MS: z.coerce.number().int().min(0).default(60000),
  CUSTOMER_GRAPH_WRITEBACK_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
  CUSTOMER_GRAPH_WRITEBACK_FILL_MS: z.coerce.number().int().min(0).max(60000).default(500),
  CUSTOMER_GRAPH_FIELD_USAGE_FLUSH_MS: z.coerce.number().int().min(0).default(30000),
  CUSTOMER_GRAPH_USAGE_WINDOW_DAYS: z.coerce.number().int().min(1).max(400).default(30),
  CUSTOMER_GRAPH_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  CUSTOMER_GRAPH_MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(30),
  CUSTOMER_GRAPH_MAX_COST: z.coerce.number().int().min(100).default(50_000),
  CUSTOMER_GRAPH_MAX_TOKENS: z.coerce.number().int().min(100).default(5_000),
  CUSTOMER_GRAPH_ERROR_STACKTRACES: z.enum(['0', '1', 'false', 'true']).default('0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  logLevel: string;
  /** How long native records are reused across requests (0: never). */
  cacheTtlMs: number;
  /** How often CRM metadata is re-read for new custom fields (0: never). */
  metadataRefreshMs: number;
  /** How long a write-back worker's claim on outbox rows lasts before another worker may take them (a killed worker's rows come back after it). */
  writebackLeaseMs: number;
  /** How long due write-back rows may wait for their CRM batch to fill before they are sent anyway (0: no wait). */
  writebackFillMs: number;
  /** How often counts of the fields clients ask for are added to the database (0: only at shutdown). */
  fieldUsageFlushMs: number;
  /** How many days of field usage a breaking mapping change is checked against. */
  usageWindowDays: number;
  /** Limits on the shape of one GraphQL operation (gateway/operation-limits.ts). */
  operationLimits: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number };
  /** Whether GraphQL errors carry the server's stack trace (`extensions.stacktrace`): for debugging only, never by default. */
  errorStacktraces: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ProductError('CONFIG_INVALID', `Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(c.CUSTOMER_GRAPH_DATA_DIR),
    secretKey: c.CUSTOMER_GRAPH_SECRET_KEY,
    logLevel: c.LOG_LEVEL,
    cacheTtlMs: c.CUSTOMER_GRAPH_CACHE_TTL_MS,
    metadataRefreshMs: c.CUSTOMER_GRAPH_METADATA_REFRESH_MS,
    writebackLeaseMs: c.CUSTOMER_GRAPH_WRITEBACK_LEASE_MS,
    writebackFillMs: c.CUSTOMER_GRAPH_WRITEBACK_FILL_MS,
    fieldUsageFlushMs: c.CUSTOMER_GRAPH_FIELD_USAGE_FLUSH_MS,
    usageWindowDays: c.CUSTOMER_GRAPH_USAGE_WINDOW_DAYS,
    operationLimits: { maxDepth: c.CUSTOMER_GRAPH_MAX_DEPTH, maxAliases: c.CUSTOMER_GRAPH_MAX_ALIASES, maxCost: c.CUSTOMER_GRAPH_MAX_COST, maxTokens: c.CUSTOMER_GRAPH_MAX_TOKENS },
    errorStacktraces: c.CUSTOMER_GRAPH_ERROR_STACKTRACES === '1' || c.CUSTOMER_GRAPH_ERROR_STACKTRACES === 'true',
  };
}
