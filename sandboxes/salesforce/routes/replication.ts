/** `updated` and `deleted`: ids changed or deleted in a window, for replication-style sync (section 1.9). */
import { SfError } from '../errors.ts';
import { formatDateTime, parseDateTime } from '../time.ts';
import type { ApiRequest, Route } from './types.ts';

const MINUTE = 60_000;
/** How long deleted records stay visible; Salesforce keeps them ~15 days in the recycle bin. */
const DELETED_RETENTION_MS = 15 * 86_400_000;

function window(req: ApiRequest): { start: number; end: number } {
  const startText = req.query.get('start');
  const endText = req.query.get('end');
  if (!startText || !endText) throw new SfError(400, 'MISSING_ARGUMENT', 'start and end parameters are required');
  const start = parseDateTime(startText);
  const end = parseDateTime(endText);
  if (start === undefined) throw new SfError(400, 'INVALID_REPLICATION_DATE', `start date is invalid: ${startText}`);
  if (end === undefined) throw new SfError(400, 'INVALID_REPLICATION_DATE', `end date is invalid: ${endText}`);
  if (end < start) throw new SfError(400, 'INVALID_REPLICATION_DATE', 'start date must be before end date');
  return { start, end };
}

/** Salesforce covers whole minutes and never the future. */
function latestCovered(end: number): string {
  const capped = Math.min(end, Date.now());
  return formatDateTime(Math.floor(capped / MINUTE) * MINUTE);
}

export const replicationRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/sobjects\/([A-Za-z][A-Za-z0-9_]*)\/updated\/?$/,
    handler: (ctx, req, [type]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const { start, end } = window(req);
      const ids = ctx.org.store.all(obj.name)
        .filter((r) => {
          const t = parseDateTime(String(r.SystemModstamp)) ?? 0;
          return t >= start && t <= end;
        })
        .map((r) => r.Id);
      return { status: 200, body: { ids, latestDateCovered: latestCovered(end) } };
    },
  },
  {
    method: 'GET', pattern: /^\/sobjects\/([A-Za-z][A-Za-z0-9_]*)\/deleted\/?$/,
    handler: (ctx, req, [type]) => {
      const obj = ctx.org.meta.requireObject(type!);
      const { start, end } = window(req);
      const deleted = ctx.org.store.all(obj.name, { includeDeleted: true }).filter((r) => r.IsDeleted === true);
      const when = (r: (typeof deleted)[number]) => (typeof r.$deletedAt === 'number' ? r.$deletedAt : (parseDateTime(String(r.SystemModstamp)) ?? 0));
      const earliest = Math.min(Date.now() - DELETED_RETENTION_MS, ...deleted.map(when));
      const deletedRecords = deleted
        .filter((r) => when(r) >= start && when(r) <= end)
        .map((r) => ({ id: r.Id, deletedDate: formatDateTime(when(r)) }));
      return { status: 200, body: { deletedRecords, earliestDateAvailable: formatDateTime(Math.floor(earliest / MINUTE) * MINUTE), latestDateCovered: latestCovered(end) } };
    },
  },
];
