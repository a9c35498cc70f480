/**
 * Zoho's error shape: a bare `{code, details, message, status:"error"}` at the top level, always as JSON (reference
 * §0.1), and the helpers every handler answers through. Per-record errors sit inside `data[]` (see writes.ts).
 */
import type { Response } from 'express';

export class ZohoError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { code: this.code, details: this.details, message: this.message, status: 'error' };
  }
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body));
}

export function sendError(res: Response, err: ZohoError): void {
  sendJson(res, err.httpStatus, err.body());
}

/** Nothing matched: Zoho answers 204 with no body at all (clients must not parse it). */
export function sendNoContent(res: Response): void {
  res.status(204).end();
}

export const invalidData = (message: string, details: Record<string, unknown> = {}) => new ZohoError(400, 'INVALID_DATA', message, details);
export const invalidModule = () => new ZohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {});
export const requiredParam = (param: string) =>
  new ZohoError(400, 'REQUIRED_PARAM_MISSING', `One of the expected parameter is missing`, { param_name: param });
export const invalidToken = () => new ZohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
export const authenticationFailure = () => new ZohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
export const tooManyRequests = (message: string) => new ZohoError(429, 'TOO_MANY_REQUESTS', message);
export const internalError = () => new ZohoError(500, 'INTERNAL_ERROR', 'Internal Server Error');
export const urlNotFound = () => new ZohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
