/** The SOQL syntax tree produced by parser.ts and walked by evaluate.ts. */

export interface Query {
  /** Exactly as written, for error messages. */
  text: string;
  select: SelectItem[];
  from: { name: string; pos: number };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

export type SelectItem =
  | { kind: 'field'; path: string[]; pos: number }
  | { kind: 'count'; pos: number }
  | { kind: 'fields'; which: 'ALL' | 'STANDARD' | 'CUSTOM'; pos: number }
  | { kind: 'subquery'; query: Query; pos: number };

export interface OrderItem {
  path: string[];
  pos: number;
  descending: boolean;
  nullsLast: boolean;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number; text: string }
  /** TODAY, YESTERDAY, LAST_N_DAYS:n … resolved to a [start, end) range at evaluation time. */
  | { kind: 'dateKeyword'; name: string; n?: number };

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; path: string[]; pos: number; op: Comparator; value: Literal; valuePos: number }
  | { kind: 'in'; path: string[]; pos: number; negated: boolean; values: Literal[]; valuePos: number }
  | { kind: 'inQuery'; path: string[]; pos: number; negated: boolean; query: Query };
