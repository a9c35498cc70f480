/**
 * Resource paths under `/api/data/v9.2/`: `contacts`, `contacts(<guid>)`, `contacts(cg_externalid='x')`,
 * `contacts(<guid>)/parentcustomerid_account/$ref`, `EntityDefinitions(LogicalName='contact')/Attributes(...)/
 * Microsoft.Dynamics.CRM.PicklistAttributeMetadata`, `WhoAmI`, `$batch`. Express's router cannot match OData's
 * parenthesised keys, so paths are split here by hand.
 */
import { badQuery } from '../errors.ts';
import { GUID_RE } from '../ids.ts';

/** A key in parentheses: a bare GUID, or named values `(a='x',b=1)`. */
export type Key = { id: string } | { named: Record<string, string> };

export interface Segment {
  name: string;
  key?: Key;
}

/** Splits on `/` outside quotes and parses `name(key)` segments. */
export function parsePath(path: string): Segment[] {
  const raw: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of path) {
    if (ch === "'") quoted = !quoted;
    if (ch === '/' && !quoted) {
      raw.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  raw.push(current);
  return raw.filter((s) => s !== '').map(parseSegment);
}

function parseSegment(text: string): Segment {
  const open = text.indexOf('(');
  if (open < 0) return { name: text };
  if (!text.endsWith(')')) throw badQuery(`Bad request - the segment '${text}' is not a valid OData path segment.`);
  const name = text.slice(0, open);
  const inner = text.slice(open + 1, -1).trim();
  if (inner === '') return { name };
  if (GUID_RE.test(inner)) return { name, key: { id: inner.toLowerCase() } };
  return { name, key: { named: parseNamedKey(inner, text) } };
}

/** `LogicalName='contact'` or `a='x',b='y'` (values single-quoted, `''` escaping a quote; numbers bare). */
function parseNamedKey(inner: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^']|'')*'|[^,']+)\s*(,|$)/y;
  let pos = 0;
  while (pos < inner.length) {
    re.lastIndex = pos;
    const m = re.exec(inner);
    if (!m) throw badQuery(`Bad request - the key in '${text}' is not valid.`);
    const value = m[2]!;
    out[m[1]!] = value.startsWith("'") ? value.slice(1, -1).replace(/''/g, "'") : value.trim();
    pos = re.lastIndex;
  }
  return out;
}
