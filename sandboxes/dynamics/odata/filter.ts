/**
 * The `$filter` subset of reference §3.3: `eq ne gt ge lt le`, `and or not`, parentheses, `contains`,
 * `startswith`, `endswith`, `Microsoft.Dynamics.CRM.In` / `NotIn`; literals: single-quoted strings (`''` escapes),
 * numbers, true/false, null, GUIDs and datetimes unquoted. Properties are resolved while parsing, so an unknown
 * one is Dataverse's 400 before any row is read. String comparisons ignore case, as Dataverse's SQL collation does.
 */
import { badQuery } from '../errors.ts';
import type { AttributeDef } from '../schema.ts';

export type Literal =
  | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'bool'; v: boolean } | { t: 'null' }
  | { t: 'guid'; v: string } | { t: 'datetime'; v: number } | { t: 'date'; v: string };

export type Expr =
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'cmp'; op: string; prop: string; attr: AttributeDef; lit: Literal }
  | { k: 'fn'; name: 'contains' | 'startswith' | 'endswith'; prop: string; lit: string }
  | { k: 'in'; negate: boolean; prop: string; attr: AttributeDef; values: Literal[] };

/** Resolves a property name (`fullname`, `_parentcustomerid_value`) to its attribute, or throws the 400. */
export type Resolver = (name: string) => AttributeDef;

interface Token {
  kind: 'str' | 'guid' | 'datetime' | 'date' | 'num' | 'ident' | 'punct';
  text: string;
  pos: number;
}

const PATTERNS: [Token['kind'], RegExp][] = [
  ['str', /'(?:[^']|'')*'/y],
  ['guid', /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y],
  ['datetime', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/y],
  ['date', /\d{4}-\d{2}-\d{2}(?![\w:])/y],
  ['num', /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w])/y],
  ['ident', /[A-Za-z_][A-Za-z0-9_.]*/y],
  ['punct', /[(),[\]=]/y],
];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < input.length) {
    if (/\s/.test(input[pos]!)) {
      pos++;
      continue;
    }
    let matched = false;
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = pos;
      const m = re.exec(input);
      if (m) {
        tokens.push({ kind, text: m[0], pos });
        pos += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) throw badQuery(`Syntax error: character '${input[pos]}' is not valid at position ${pos} in '${input}'.`);
  }
  return tokens;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly input: string, private readonly resolve: Resolver) {}

  parse(): Expr {
    const e = this.or();
    if (this.i < this.tokens.length) this.fail(this.tokens[this.i]!);
    return e;
  }

  private fail(tok?: Token): never {
    const at = tok ? `'${tok.text}' at position ${tok.pos}` : 'end of input';
    throw badQuery(`Syntax error at ${at} in '${this.input}'.`);
  }
  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) this.fail();
    return t;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) this.fail(t);
  }
  private word(w: string): boolean {
    const t = this.peek();
    if (t?.kind === 'ident' && t.text === w) {
      this.i++;
      return true;
    }
    return false;
  }

  private or(): Expr {
    let l = this.and();
    while (this.word('or')) l = { k: 'or', l, r: this.and() };
    return l;
  }
  private and(): Expr {
    let l = this.unary();
    while (this.word('and')) l = { k: 'and', l, r: this.unary() };
    return l;
  }
  private unary(): Expr {
    if (this.word('not')) return { k: 'not', e: this.unary() };
    const t = this.peek();
    if (t?.text === '(') {
      this.i++;
      const e = this.or();
      this.expect(')');
      return e;
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(t);
    if (FUNCTIONS.has(t.text)) {
      this.expect('(');
      const prop = this.property(this.next());
      this.expect(',');
      const lit = this.literal();
      this.expect(')');
      if (lit.t !== 'string' || (prop.attr.type !== 'String' && prop.attr.type !== 'Memo')) {
        throw badQuery(`The function '${t.text}' takes a string property and a string literal.`);
      }
      return { k: 'fn', name: t.text as 'contains', prop: prop.name, lit: lit.v.toLowerCase() };
    }
    if (t.text === 'Microsoft.Dynamics.CRM.In' || t.text === 'Microsoft.Dynamics.CRM.NotIn') return this.inSet(t.text.endsWith('NotIn'));
    if (t.text.startsWith('Microsoft.Dynamics.CRM.')) throw badQuery(`The query function '${t.text}' is not supported by this sandbox.`);
    const prop = this.property(t);
    const op = this.next();
    if (op.kind !== 'ident' || !COMPARISONS.has(op.text)) this.fail(op);
    const lit = this.literal();
    checkTypes(prop.attr, lit, op.text);
    return { k: 'cmp', op: op.text, prop: prop.name, attr: prop.attr, lit };
  }

  private inSet(negate: boolean): Expr {
    this.expect('(');
    const args = new Map<string, Token[]>();
    for (;;) {
      const name = this.next();
      this.expect('=');
      if (name.text === 'PropertyValues') {
        this.expect('[');
        const values: Token[] = [];
        while (this.peek()?.text !== ']') {
          values.push(this.next());
          if (this.peek()?.text === ',') this.i++;
        }
        this.expect(']');
        args.set('PropertyValues', values);
      } else {
        args.set(name.text, [this.next()]);
      }
      const sep = this.next();
      if (sep.text === ')') break;
      if (sep.text !== ',') this.fail(sep);
    }
    const nameTok = args.get('PropertyName')?.[0];
    const values = args.get('PropertyValues');
    if (!nameTok || nameTok.kind !== 'str' || !values) throw badQuery('Microsoft.Dynamics.CRM.In takes PropertyName=\'name\' and PropertyValues=[...].');
    const name = unquote(nameTok.text);
    return { k: 'in', negate, prop: name, attr: this.resolve(name), values: values.map((v) => toLiteral(v)) };
  }

  private property(t: Token): { name: string; attr: AttributeDef } {
    if (t.kind !== 'ident') this.fail(t);
    return { name: t.text, attr: this.resolve(t.text) };
  }

  private literal(): Literal {
    return toLiteral(this.next());
  }
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/''/g, "'");
}

function toLiteral(t: Token): Literal {
  switch (t.kind) {
    case 'str': return { t: 'string', v: unquote(t.text) };
    case 'num': return { t: 'number', v: Number(t.text) };
    case 'guid': return { t: 'guid', v: t.text.toLowerCase() };
    case 'date': return { t: 'date', v: t.text };
    case 'datetime': {
      const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(t.text) ? t.text : `${t.text}Z`);
      if (Number.isNaN(ms)) throw badQuery(`Invalid datetime literal '${t.text}'.`);
      return { t: 'datetime', v: ms };
    }
    case 'ident':
      if (t.text === 'null') return { t: 'null' };
      if (t.text === 'true' || t.text === 'false') return { t: 'bool', v: t.text === 'true' };
      break;
    default:
      break;
  }
  throw badQuery(`Syntax error: '${t.text}' at position ${t.pos} is not a literal.`);
}

function edmOf(a: AttributeDef): string {
  switch (a.type) {
    case 'String': case 'Memo': return 'Edm.String';
    case 'Boolean': return 'Edm.Boolean';
    case 'DateTime': return a.format === 'DateOnly' ? 'Edm.Date' : 'Edm.DateTimeOffset';
    case 'Uniqueidentifier': case 'Lookup': case 'Customer': case 'Owner': return 'Edm.Guid';
    default: return 'Edm.Decimal';
  }
}

const LITERAL_EDM: Record<Literal['t'], string[]> = {
  string: ['Edm.String'], number: ['Edm.Decimal'], bool: ['Edm.Boolean'], null: [],
  guid: ['Edm.Guid'], datetime: ['Edm.DateTimeOffset', 'Edm.Date'], date: ['Edm.Date', 'Edm.DateTimeOffset'],
};

function checkTypes(a: AttributeDef, lit: Literal, op: string): void {
  if (lit.t === 'null') return;
  const edm = edmOf(a);
  if (!LITERAL_EDM[lit.t].includes(edm)) {
    throw badQuery(`A binary operator with incompatible types was detected. Found operand types '${edm}' and '${LITERAL_EDM[lit.t][0]}' for operator kind '${op}'.`);
  }
}

export function parseFilter(input: string, resolve: Resolver): Expr {
  return new Parser(tokenize(input), input, resolve).parse();
}

/** Orders two non-null values of one attribute (strings without regard to case). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** The literal in the stored value's terms (datetimes as wire strings compare like stored ones). */
function literalValue(lit: Literal, a: AttributeDef): unknown {
  switch (lit.t) {
    case 'null': return null;
    // Date-and-time values compare as milliseconds (a literal may carry fractions of a second or an offset).
    case 'datetime': return a.format === 'DateOnly' ? new Date(lit.v).toISOString().slice(0, 10) : lit.v;
    case 'date': return a.format === 'DateOnly' ? lit.v : Date.parse(`${lit.v}T00:00:00Z`);
    case 'string': {
      // In(...) passes every value quoted; convert to the attribute's own type.
      const edm = edmOf(a);
      if (edm === 'Edm.Decimal') return Number(lit.v);
      if (edm === 'Edm.Guid') return lit.v.toLowerCase();
      if (edm === 'Edm.Boolean') return lit.v === 'true';
      if (edm === 'Edm.DateTimeOffset') return Date.parse(lit.v);
      return lit.v;
    }
    default: return lit.v;
  }
}

/** A stored value in comparison terms: date-and-time strings as milliseconds. */
function storedValue(v: unknown, a: AttributeDef): unknown {
  return typeof v === 'string' && a.type === 'DateTime' && a.format !== 'DateOnly' ? Date.parse(v) : v;
}

/** Evaluates a parsed filter against one row; `value(prop)` gives the stored value (a lookup's id). */
export function evaluate(e: Expr, value: (prop: string) => unknown): boolean {
  switch (e.k) {
    case 'and': return evaluate(e.l, value) && evaluate(e.r, value);
    case 'or': return evaluate(e.l, value) || evaluate(e.r, value);
    case 'not': return !evaluate(e.e, value);
    case 'fn': {
      const v = value(e.prop);
      if (typeof v !== 'string') return false;
      const s = v.toLowerCase();
      return e.name === 'contains' ? s.includes(e.lit) : e.name === 'startswith' ? s.startsWith(e.lit) : s.endsWith(e.lit);
    }
    case 'in': {
      const v = storedValue(value(e.prop), e.attr);
      const hit = v !== null && v !== undefined && e.values.some((l) => compareValues(v, literalValue(l, e.attr)) === 0);
      return e.negate ? !hit : hit;
    }
    case 'cmp': {
      const v = storedValue(value(e.prop) ?? null, e.attr);
      const lit = literalValue(e.lit, e.attr);
      if (lit === null || v === null) {
        const same = lit === v;
        return e.op === 'eq' ? same : e.op === 'ne' ? !same : false;
      }
      const c = compareValues(v, lit);
      switch (e.op) {
        case 'eq': return c === 0;
        case 'ne': return c !== 0;
        case 'gt': return c > 0;
        case 'ge': return c >= 0;
        case 'lt': return c < 0;
        default: return c <= 0;
      }
    }
  }
}
