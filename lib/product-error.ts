/**
 * The product's error codes, in one registry (the idea of Apollo federation's `internals-js/src/error.ts`):
 * each code has a description, the HTTP status a REST caller sees, and the CLI exit code a command ends with.
 * GraphQL errors carry the code in `extensions.code`.
 */
export interface ErrorCodeDefinition {
  code: string;
  description: string;
  httpStatus: number;
  exitCode: number;
}

const definitions = {
  BAD_USER_INPUT: { description: 'An argument or input value is invalid; the message says which and why.', httpStatus: 400, exitCode: 2 },
  UNAUTHENTICATED: { description: 'An admin operation was sent without one of the API tokens (CUSTOMER_GRAPH_API_TOKENS), or with a wrong one.', httpStatus: 401, exitCode: 77 },
  NOT_FOUND: { description: 'The requested object does not exist.', httpStatus: 404, exitCode: 3 },
  CONFLICT: { description: 'The request was already carried out or clashes with the current state (e.g. a dead letter already replayed); the message says what to do instead.', httpStatus: 409, exitCode: 4 },
  // 410 Gone: the changes after the cursor existed and were deleted (retention); 65 (EX_DATAERR): the input is stale.
  CURSOR_EXPIRED: { description: 'The change-feed cursor is older than the change log keeps (CUSTOMER_GRAPH_CHANGE_LOG_RETENTION_HOURS): changes after it were deleted. Re-read the customers you hold, then continue from a fresh cursor (customerChanges.headCursor, taken before the re-read).', httpStatus: 410, exitCode: 65 },
  CONFIG_INVALID: { description: 'The process configuration (environment variables, flags) is invalid.', httpStatus: 500, exitCode: 78 },
  // 75 (EX_TEMPFAIL): the configuration is valid, the port is only busy now and a retry may succeed; the sandboxes
  // already exit 75 on a taken port. 503: the service cannot be offered at the moment.
  PORT_IN_USE: { description: 'A port the process must listen on is taken by another process; the message names it and how to pick another.', httpStatus: 503, exitCode: 75 },
  DATABASE_UNREACHABLE: { description: 'The database named by DATABASE_URL cannot be reached.', httpStatus: 503, exitCode: 69 },
  DATA_DIR_UNUSABLE: { description: 'The embedded database folder cannot be read or is corrupt.', httpStatus: 500, exitCode: 74 },
  // 423 Locked and EX_TEMPFAIL: nothing is wrong with the folder; the same command succeeds once the holder stops.
  DATA_DIR_IN_USE: { description: 'Another live process (the message names its pid) has the embedded database folder open; PGlite serves one process at a time. Stop it first, or use its API while it runs.', httpStatus: 423, exitCode: 75 },
  SECRET_KEY_INVALID: { description: 'CUSTOMER_GRAPH_SECRET_KEY is missing or malformed.', httpStatus: 500, exitCode: 78 },
  CREDENTIAL_DECRYPT_FAILED: { description: 'A stored credential could not be decrypted: wrong key, or the ciphertext was altered.', httpStatus: 500, exitCode: 77 },
  BREAKING_CHANGE: { description: 'A mapping change would remove or retype something clients can ask for (a golden field or type); nothing was stored. Deprecate it first, or save again accepting the breaking changes.', httpStatus: 409, exitCode: 4 },
  MAPPING_INVALID: { description: 'A mapping or rule configuration is invalid; the message names the field and the reason.', httpStatus: 400, exitCode: 2 },
  CRM_UNAVAILABLE: { description: 'A CRM could not be reached or answered garbage; other sources still answer.', httpStatus: 502, exitCode: 69 },
  INTERNAL_SERVER_ERROR: { description: 'An unexpected failure; the logs carry the details.', httpStatus: 500, exitCode: 1 },
} as const satisfies Record<string, Omit<ErrorCodeDefinition, 'code'>>;

export type ProductErrorCode = keyof typeof definitions;

export const ERROR_CODES: Record<ProductErrorCode, ErrorCodeDefinition> = Object.fromEntries(
  Object.entries(definitions).map(([code, d]) => [code, { code, ...d }]),
) as Record<ProductErrorCode, ErrorCodeDefinition>;

export class ProductError extends Error {
  readonly code: ProductErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ProductErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProductError';
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  /** The `extensions` a GraphQL error built from this one carries. */
  get extensions(): Record<string, unknown> {
    return { code: this.code, ...(this.details ?? {}) };
  }
}
