/**
 * Recursive-descent parser for the SOQL subset a sync engine needs (wire-formats reference, section 1.5).
 *
 *   query     := SELECT items FROM ident [WHERE cond] [ORDER BY order (, order)*] [LIMIT n] [OFFSET n]
 *   items     := item (, item)*        item := COUNT() | FIELDS(ALL|STANDARD|CUSTOM) | ( query ) | path
 *   cond      := unary (AND unary)* | unary (OR unary)*   -- mixing AND/OR needs parentheses, as in Salesforce
 *   unary     := NOT unary | ( cond ) | path op literal | path [NOT] IN ( literals | query ) | path LIKE literal
 *   literal   := 'text' | number | date | datetime | TRUE | FALSE | NULL | DATE_KEYWORD[:n]
 */
import type { Comparator, Condition, Literal, OrderItem, Query, SelectItem } from './ast.ts';
import { malformedQuery } from './errors.ts';
import type { Token } from './lexer.ts';
import { tokenize } from './lexer.ts';
import { parseDateTime } from '../time.ts';

const DATE_KEYWORDS = new Set(['TODAY', 'YESTERDAY', 'TOMORROW', 'LAST_WEEK', 'THIS_WEEK', 'NEXT_WEEK', 'LAST_MONTH', 'THIS_MONTH', 'NEXT_MONTH', 'LAST_90_DAYS', 'NEXT_90_DAYS', 'THIS_YEAR', 'LAST_YEAR', 'NEXT_YEAR']);
const DATE_N_KEYWORDS = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO', 'LAST_N_WEEKS', 'NEXT_N_WEEKS', 'LAST_N_MONTHS', 'NEXT_N_MONTHS']);
/** Words that end a clause; a field path may not use them. */
const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'GROUP', 'HAVING', 'WITH', 'FOR', 'NULL', 'TRUE', 'FALSE', 'INCLUDES', 'EXCLUDES']);

export function parseSoql(text: string): Query {
  const p = new Parser(text, tokenize(text));
  const query = p.query(false);
  p.expectEof();
  return query;
}

class Parser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private isPunct(ch: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === ch;
  }

  private fail(t: Token = this.peek()): never {
    throw malformedQuery(this.text, t.pos, `unexpected token: '${t.text}'`);
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.next();
  }

  private expectPunct(ch: string): void {
    if (!this.isPunct(ch)) this.fail();
    this.next();
  }

  expectEof(): void {
    if (this.peek().kind !== 'eof') this.fail();
  }

  query(nested: boolean): Query {
    this.expectWord('SELECT');
    const select = this.selectList();
    this.expectWord('FROM');
    const fromTok = this.next();
    if (fromTok.kind !== 'ident' || RESERVED.has(fromTok.text.toUpperCase())) this.fail(fromTok);
    const query: Query = { text: this.text, select, from: { name: fromTok.text, pos: fromTok.pos }, orderBy: [] };
    if (this.isWord('WHERE')) {
      this.next();
      query.where = this.condition();
    }
    if (this.isWord('ORDER')) {
      this.next();
      this.expectWord('BY');
      query.orderBy = this.orderList();
    }
    if (this.isWord('LIMIT')) {
      this.next();
      query.limit = this.integer();
    }
    if (this.isWord('OFFSET')) {
      this.next();
      query.offset = this.integer();
    }
    // FOR VIEW / FOR REFERENCE / FOR UPDATE only affect locking and recently-viewed; accept and ignore them.
    if (!nested && this.isWord('FOR')) {
      this.next();
      const t = this.next();
      if (t.kind !== 'ident' || !['VIEW', 'REFERENCE', 'UPDATE'].includes(t.text.toUpperCase())) this.fail(t);
    }
    return query;
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail(t);
    return Number(t.text);
  }

  private selectList(): SelectItem[] {
    const items: SelectItem[] = [this.selectItem()];
    while (this.isPunct(',')) {
      this.next();
      items.push(this.selectItem());
    }
    return items;
  }

  private selectItem(): SelectItem {
    const t = this.peek();
    if (this.isPunct('(')) {
      this.next();
      const query = this.query(true);
      this.expectPunct(')');
      return { kind: 'subquery', query, pos: t.pos };
    }
    if (this.isWord('COUNT') && this.peek(1).text === '(') {
      this.next();
      this.next();
      this.expectPunct(')');
      return { kind: 'count', pos: t.pos };
    }
    if (this.isWord('FIELDS') && this.peek(1).text === '(') {
      this.next();
      this.next();
      const which = this.next();
      const upper = which.text.toUpperCase();
      if (which.kind !== 'ident' || !['ALL', 'STANDARD', 'CUSTOM'].includes(upper)) this.fail(which);
      this.expectPunct(')');
      return { kind: 'fields', which: upper as 'ALL' | 'STANDARD' | 'CUSTOM', pos: t.pos };
    }
    return { kind: 'field', path: this.path(), pos: t.pos };
  }

  private path(): string[] {
    const first = this.next();
    if (first.kind !== 'ident' || RESERVED.has(first.text.toUpperCase())) this.fail(first);
    const parts = [first.text];
    while (this.isPunct('.')) {
      this.next();
      const t = this.next();
      if (t.kind !== 'ident') this.fail(t);
      parts.push(t.text);
    }
    return parts;
  }

  private orderList(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      if (items.length) this.next();
      const pos = this.peek().pos;
      const path = this.path();
      let descending = false;
      if (this.isWord('ASC') || this.isWord('DESC')) descending = this.next().text.toUpperCase() === 'DESC';
      // Salesforce's default: nulls first when ascending, last when descending.
      let nullsLast = descending;
      if (this.isWord('NULLS')) {
        this.next();
        const t = this.next();
        const upper = t.text.toUpperCase();
        if (t.kind !== 'ident' || (upper !== 'FIRST' && upper !== 'LAST')) this.fail(t);
        nullsLast = upper === 'LAST';
      }
      items.push({ path, pos, descending, nullsLast });
    } while (this.isPunct(','));
    return items;
  }

  private condition(): Condition {
    const first = this.unary();
    if (!this.isWord('AND') && !this.isWord('OR')) return first;
    const joiner = this.peek().text.toUpperCase() as 'AND' | 'OR';
    const items = [first];
    while (this.isWord(joiner)) {
      this.next();
      items.push(this.unary());
    }
    // `a AND b OR c` is ambiguous and Salesforce refuses it.
    if (this.isWord('AND') || this.isWord('OR')) this.fail();
    return { kind: joiner === 'AND' ? 'and' : 'or', items };
  }

  private unary(): Condition {
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', item: this.unary() };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const pos = this.peek().pos;
    const path = this.path();
    if (this.isWord('NOT') && this.isWord('IN', 1)) {
      this.next();
      this.next();
      return this.inList(path, pos, true);
    }
    if (this.isWord('IN')) {
      this.next();
      return this.inList(path, pos, false);
    }
    let op: Comparator;
    const t = this.peek();
    if (this.isWord('LIKE')) op = 'LIKE';
    else if (t.kind === 'op') op = t.text as Comparator;
    else this.fail(t);
    this.next();
    const valuePos = this.peek().pos;
    return { kind: 'compare', path, pos, op, value: this.literal(), valuePos };
  }

  private inList(path: string[], pos: number, negated: boolean): Condition {
    this.expectPunct('(');
    if (this.isWord('SELECT')) {
      const query = this.query(true);
      this.expectPunct(')');
      return { kind: 'inQuery', path, pos, negated, query };
    }
    const valuePos = this.peek().pos;
    const values = [this.literal()];
    while (this.isPunct(',')) {
      this.next();
      values.push(this.literal());
    }
    this.expectPunct(')');
    return { kind: 'in', path, pos, negated, values, valuePos };
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.text };
      case 'number':
        return { kind: 'number', value: Number(t.text) };
      case 'date':
        return { kind: 'date', value: t.text };
      case 'datetime': {
        const ms = parseDateTime(t.text);
        if (ms === undefined) this.fail(t);
        return { kind: 'datetime', value: ms, text: t.text };
      }
      case 'ident': {
        const upper = t.text.toUpperCase();
        if (upper === 'NULL') return { kind: 'null' };
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
        if (DATE_KEYWORDS.has(upper)) return { kind: 'dateKeyword', name: upper };
        if (DATE_N_KEYWORDS.has(upper)) {
          this.expectPunct(':');
          return { kind: 'dateKeyword', name: upper, n: this.integer() };
        }
        return this.fail(t);
      }
      default:
        return this.fail(t);
    }
  }
}
