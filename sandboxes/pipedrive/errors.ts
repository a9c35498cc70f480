/**
 * Pipedrive's envelopes. Success is `{success:true,data,additional_data}`; every error is
 * `{success:false,error,error_info,data:null,additional_data:null}` (401 and 429 also carry `errorCode`), always
 * with `Content-Type: application/json` (reference §0.1).
 */
import type { Response } from 'express';

export const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

export class PipedriveError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
    /** Pipedrive adds `errorCode` to some errors (401, 429). */
    readonly withErrorCode = false,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      success: false,
      error: this.message,
      ...(this.withErrorCode ? { errorCode: this.httpStatus } : {}),
      error_info: ERROR_INFO,
      data: null,
      additional_data: null,
    };
  }
}

/** Any JSON body with the exact status; the OAuth endpoint's bodies are not envelopes. */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body));
}

export function sendError(res: Response, err: PipedriveError): void {
  sendJson(res, err.httpStatus, err.body());
}

export function sendData(res: Response, data: unknown, additionalData?: unknown, status = 200): void {
  sendJson(res, status, additionalData === undefined ? { success: true, data } : { success: true, data, additional_data: additionalData });
}

export const badRequest = (message: string) => new PipedriveError(400, message);

export const unauthorized = () => new PipedriveError(401, 'unauthorized access', true);

export const rateLimited = () => new PipedriveError(429, 'Request over limit', true);

export const serverError = () => new PipedriveError(500, 'Internal server error');
