/**
 * Create, update and delete of rows, with Dataverse's validation: unknown attribute 0x80060888, read-only or
 * missing required 0x80040203, over MaxLength 0x80044331, a taken alternate key 0x80060892 (412). Lookups are set
 * only through `<nav>@odata.bind` (`/accounts(<guid>)`, a full URL, or a `$<Content-ID>` inside a changeset) and
 * cleared by binding null. Every write takes the next org-wide version; a delete leaves a tombstone for change
 * tracking. Every stored write is also told to the change listener (webhook deliveries).
 */
import type { ControlPlane } from '../common/control-plane.ts';
import { badRequest, CODES, DataverseError, rowNotFound, unknownProperty } from './errors.ts';
import { GUID_RE, newGuid, ORG } from './ids.ts';
import { tableBySet } from './schema.ts';
import { checkKeys } from './keys.ts';
import { isLookupType } from './store.ts';
import type { LookupValue, Org, Row, TableState } from './store.ts';
import { nowSeconds, toDataverseTime } from './time.ts';
import { coerceValue } from './values.ts';
import type { RowChangeListener } from './webhook-deliveries.ts';

export interface WriteContext {
  /** How the ledger names the call. */
  method: string;
  route: string;
  /** Resolves `$1` to the entity path a changeset operation created (`/contacts(<guid>)`). */
  contentIdPath?: (ref: string) => string | undefined;
  /** Set by the WinOpportunity / LoseOpportunity actions: the only way an opportunity's state may become Won or Lost. */
  closingAction?: boolean;
}

const BIND = '@odata.bind';

/** Parses a bind target into its table and id: `/accounts(<guid>)`, `accounts(<guid>)` or an absolute URL. */
export function parseBindTarget(raw: string, ctx: WriteContext): { set: string; id: string } | undefined {
  const resolved = raw.startsWith('$') ? ctx.contentIdPath?.(raw.slice(1)) : raw;
  if (!resolved) return undefined;
  const m = /([A-Za-z_]+)\(([^)]+)\)\s*$/.exec(resolved);
  if (!m || !GUID_RE.test(m[2]!)) return undefined;
  return { set: m[1]!, id: m[2]!.toLowerCase() };
}

export class RecordWriter {
  constructor(private readonly org: () => Org, private readonly control: ControlPlane, private readonly changes?: RowChangeListener) {}

  /** Applies a request body to a copy of `base` (attribute checks, binds); returns the changed values. */
  private apply(table: TableState, body: Record<string, unknown>, creating: boolean, base: Record<string, unknown>, ctx: WriteContext, id: string): Record<string, unknown> {
    const entity = table.def.logicalName;
    const values = { ...base };
    for (const [key, raw] of Object.entries(body)) {
      if (key.endsWith(BIND)) {
        const navName = key.slice(0, -BIND.length);
        const nav = table.navProperty(navName);
        if (!nav) throw unknownProperty(navName, entity);
        if (raw === null) {
          values[nav.attribute.logicalName] = null;
          continue;
        }
        const target = typeof raw === 'string' ? parseBindTarget(raw, ctx) : undefined;
        const targetTable = target ? tableBySet(target.set) : undefined;
        if (!target || !targetTable || !nav.targets.includes(targetTable.logicalName)) {
          throw badRequest(CODES.badValue, `The value '${String(raw)}' of '${key}' is not a valid reference to ${nav.targets.join(' or ')} for the navigation property '${navName}'.`);
        }
        const served = this.org().tableByLogical(targetTable.logicalName);
        if (served && !served.rows.has(target.id) && !(served === table && target.id === id)) throw rowNotFound(targetTable.logicalName, target.id);
        values[nav.attribute.logicalName] = { id: target.id, target: targetTable.logicalName } satisfies LookupValue;
        continue;
      }
      if (key.startsWith('@odata.')) continue; // @odata.type / @odata.etag a client echoes back are ignored
      const a = table.attribute(key);
      if (!a || isLookupType(a)) throw unknownProperty(key, entity);
      if (a.primaryId) {
        if (typeof raw !== 'string' || raw.toLowerCase() !== id) {
          throw badRequest(CODES.requiredOrReadOnly, `The key attribute '${key}' cannot be changed: it must equal the row's id ${id}.`);
        }
        continue;
      }
      if (creating ? !a.validForCreate : !a.validForUpdate) {
        throw badRequest(CODES.requiredOrReadOnly, `The attribute '${key}' of '${entity}' is read-only and cannot be set on ${creating ? 'create' : 'update'}.`);
      }
      values[key] = coerceValue(entity, a, raw);
    }
    this.derive(table, values, body, creating);
    if (table.def.logicalName === 'opportunity' && !ctx.closingAction && ((body.statecode ?? null) !== null || (body.statuscode ?? null) !== null) && values.statecode !== 0) {
      // Real Dataverse refuses closing an opportunity by its state columns: the close needs an opportunityclose activity.
      throw badRequest(CODES.closeThroughAction, 'An opportunity cannot be closed by setting its statecode or statuscode: use the Win/Lose Opportunity request (WinOpportunity / LoseOpportunity).');
    }
    for (const a of table.attributes.values()) {
      if (a.required === 'ApplicationRequired' && (creating || a.logicalName in body) && (values[a.logicalName] ?? null) === null) {
        throw badRequest(CODES.requiredOrReadOnly, `A required field '${a.logicalName}' of '${entity}' is missing or empty.`);
      }
    }
    return values;
  }

  /** fullname from first/last; statuscode follows statecode (and statecode statuscode) as in Dataverse. */
  private derive(table: TableState, values: Record<string, unknown>, body: Record<string, unknown>, creating: boolean): void {
    if (table.def.logicalName === 'contact') {
      const full = [values.firstname, values.lastname].filter((x) => typeof x === 'string' && x).join(' ');
      values.fullname = full || null;
    }
    const state = table.attribute('statecode')!;
    const status = table.attribute('statuscode')!;
    if ('statuscode' in body && body.statuscode !== null) {
      const option = status.options!.find((o) => o.value === values.statuscode)!;
      if ('statecode' in body && body.statecode !== null && body.statecode !== option.state) {
        throw badRequest(CODES.badValue, `${values.statuscode as number} is not a valid status code for state code ${body.statecode as number} on ${table.def.logicalName}.`);
      }
      values.statecode = option.state;
    } else if (('statecode' in body && body.statecode !== null) || creating) {
      values.statecode ??= 0;
      values.statuscode = state.options!.find((o) => o.value === values.statecode)!.defaultStatus;
    }
    if (values.statecode === null) throw badRequest(CODES.requiredOrReadOnly, `A required field 'statecode' of '${table.def.logicalName}' is missing or empty.`);
  }

  private store(table: TableState, id: string, values: Record<string, unknown>, now: number): Row {
    const row: Row = { id, values: { ...values, versionnumber: this.org().nextVersion(), modifiedon: toDataverseTime(now) } };
    table.rows.set(id, row);
    table.tombstones.delete(id);
    return row;
  }

  create(table: TableState, body: Record<string, unknown>, ctx: WriteContext, id?: string): Row {
    const pk = table.def.primaryIdAttribute;
    const given = body[pk];
    if (id === undefined && given !== undefined) {
      if (typeof given !== 'string' || !GUID_RE.test(given)) throw badRequest(CODES.badValue, `Cannot convert the literal '${JSON.stringify(given)}' to the expected type 'Edm.Guid'.`);
      id = given.toLowerCase();
    }
    id ??= newGuid();
    if (table.rows.has(id)) throw new DataverseError(412, CODES.alreadyExists, `A record with matching key values already exists.`);
    const now = nowSeconds();
    const defaults: Record<string, unknown> = {
      [pk]: id, createdon: toDataverseTime(now), ownerid: { id: ORG.userId, target: 'systemuser' } satisfies LookupValue,
    };
    if (table.attribute('transactioncurrencyid')) defaults.transactioncurrencyid = { id: ORG.usdCurrencyId, target: 'transactioncurrency' } satisfies LookupValue;
    if (table.attribute('donotemail')) defaults.donotemail = false;
    if (table.def.logicalName === 'opportunity') defaults.salesstage = 0;
    const values = this.apply(table, body, true, defaults, ctx, id);
    checkKeys(table, values, id);
    const row = this.store(table, id, values, now);
    this.control.recordWrite({ method: ctx.method, route: ctx.route, objectType: table.def.entitySetName, recordId: id, operation: 'create', fields: body });
    this.changes?.rowChanged({ message: 'Create', table, row, body });
    return row;
  }

  update(table: TableState, row: Row, body: Record<string, unknown>, ctx: WriteContext): Row {
    const values = this.apply(table, body, false, row.values, ctx, row.id);
    checkKeys(table, values, row.id);
    const updated = this.store(table, row.id, values, nowSeconds());
    this.control.recordWrite({ method: ctx.method, route: ctx.route, objectType: table.def.entitySetName, recordId: row.id, operation: 'update', fields: body });
    this.changes?.rowChanged({ message: 'Update', table, row: updated, body });
    return updated;
  }

  delete(table: TableState, row: Row, ctx: WriteContext): void {
    table.rows.delete(row.id);
    table.tombstones.set(row.id, this.org().nextVersion());
    this.control.recordWrite({ method: ctx.method, route: ctx.route, objectType: table.def.entitySetName, recordId: row.id, operation: 'delete', fields: {} });
    this.changes?.rowChanged({ message: 'Delete', table, row, body: {} });
  }

  /** `DELETE <row>/<nav>/$ref`: clears one lookup (a write like any other). */
  clearReference(table: TableState, row: Row, navName: string, ctx: WriteContext): Row {
    const nav = table.navProperty(navName);
    if (!nav) throw unknownProperty(navName, table.def.logicalName);
    return this.update(table, row, { [`${navName}${BIND}`]: null }, ctx);
  }
}
