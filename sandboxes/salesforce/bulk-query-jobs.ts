/**
 * Bulk API 2.0 query jobs: each job runs its SOQL over the store when it is created (its result is a snapshot,
 * rendered as CSV rows then) and walks UploadComplete → InProgress → JobComplete over its first status reads, so a
 * client has to poll as it does against Salesforce. The switch (`PUT /_sandbox/salesforce/bulk`) turns Bulk off as an
 * org without it answers, makes the next jobs fail, or holds them InProgress (as a busy org's queue does) until aborted.
 */
import { LRUCache } from 'lru-cache';
import { checksum } from './ids.ts';

export type JobState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface QueryJob {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  query: string;
  state: JobState;
  createdDate: string;
  systemModstamp: string;
  /** Status reads so far; the state moves on with them. */
  reads: number;
  /** Header line and one CSV line per record (without line ends). */
  header: string;
  rows: string[];
  /** Set for a job the switch made fail. */
  failMessage?: string;
  /** Set for a job the switch holds: it stays InProgress until aborted or deleted. */
  held?: boolean;
}

export interface BulkSwitch {
  /** False: every `/jobs/query` call is refused as by an org without Bulk API 2.0. */
  enabled: boolean;
  /** How a refusal answers: 403 API_DISABLED_FOR_ORG (default) or 404 NOT_FOUND. */
  refuseWith: 403 | 404;
  /** How many of the next jobs end in state Failed. */
  failJobs: number;
  /** The errorMessage of a failed job. */
  failMessage: string;
  /** How many of the next jobs never complete (they stay InProgress). */
  holdJobs: number;
}

export const DEFAULT_FAIL_MESSAGE = 'InternalServerError : Failed to process query: an internal error occurred';

export class BulkQueryJobs {
  readonly settings: BulkSwitch;
  // Salesforce keeps query job results for 7 days; a bounded cache is enough here.
  private readonly jobs = new LRUCache<string, QueryJob>({ max: 200 });
  private counter = 0;

  constructor(private readonly startEnabled: boolean) {
    this.settings = this.initial();
  }

  create(fields: Omit<QueryJob, 'id' | 'state' | 'reads' | 'failMessage'>): QueryJob {
    const id15 = `7505Sb${(++this.counter).toString(36).toUpperCase().padStart(9, '0')}`;
    const job: QueryJob = { ...fields, id: id15 + checksum(id15), state: 'UploadComplete', reads: 0 };
    if (this.settings.failJobs > 0) {
      this.settings.failJobs--;
      job.failMessage = this.settings.failMessage;
    } else if (this.settings.holdJobs > 0) {
      this.settings.holdJobs--;
      job.held = true;
    }
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): QueryJob | undefined {
    return this.jobs.get(id);
  }

  /** One status read: the state moves one step (UploadComplete → InProgress → JobComplete or Failed). */
  advance(job: QueryJob, now: string): void {
    job.reads++;
    if (job.state === 'UploadComplete') job.state = 'InProgress';
    else if (job.state === 'InProgress' && job.held) return;
    else if (job.state === 'InProgress') job.state = job.failMessage ? 'Failed' : 'JobComplete';
    else return;
    job.systemModstamp = now;
  }

  delete(id: string): boolean {
    return this.jobs.delete(id);
  }

  update(patch: Partial<BulkSwitch>): BulkSwitch {
    if (patch.enabled !== undefined) this.settings.enabled = patch.enabled;
    if (patch.refuseWith !== undefined) this.settings.refuseWith = patch.refuseWith;
    if (patch.failJobs !== undefined) this.settings.failJobs = patch.failJobs;
    if (patch.failMessage !== undefined) this.settings.failMessage = patch.failMessage;
    if (patch.holdJobs !== undefined) this.settings.holdJobs = patch.holdJobs;
    return { ...this.settings };
  }

  /** Forgets every job and restores the start options (`POST /_sandbox/reset`). */
  reset(): void {
    this.jobs.clear();
    Object.assign(this.settings, this.initial());
  }

  status(): BulkSwitch & { jobs: number } {
    return { ...this.settings, jobs: this.jobs.size };
  }

  private initial(): BulkSwitch {
    return { enabled: this.startEnabled, refuseWith: 403, failJobs: 0, failMessage: DEFAULT_FAIL_MESSAGE, holdJobs: 0 };
  }
}

/** `Sforce-Locator` values: the base64 of the next row offset (Salesforce's look like `MTAwMDA`). */
export function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}

export function decodeLocator(locator: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(locator)) return undefined;
  const text = Buffer.from(locator, 'base64url').toString('utf8');
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** One CSV field as Salesforce writes query results: null empty, everything else quoted (RFC 4180, `""` inside). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}
