/** `POST /api/data/v9.2/$batch`: parse the multipart body, run it (batch/execute.ts), answer multipart/mixed. */
import type { Request, Response } from 'express';
import type { ApiContext } from '../api.ts';
import { countOperations, executeBatch, MAX_BATCH_OPERATIONS } from '../batch/execute.ts';
import { boundaryOf, MultipartError, parseBatch, renderBatch } from '../batch/multipart.ts';
import type { BatchItem } from '../batch/multipart.ts';
import { CODES, DataverseError } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { newGuid } from '../ids.ts';
import { parsePrefer } from '../odata/query.ts';

export function runBatch(ctx: ApiContext, req: Request, base: string, body: string): ApiAnswer {
  const boundary = boundaryOf(req.get('content-type'));
  if (!boundary) throw new DataverseError(400, CODES.badValue, "A $batch request needs 'Content-Type: multipart/mixed; boundary=…'.");
  let items: BatchItem[];
  try {
    items = parseBatch(body, boundary);
  } catch (err) {
    if (err instanceof MultipartError) throw new DataverseError(400, CODES.badValue, `The batch request is malformed: ${err.message}`);
    throw err;
  }
  const count = countOperations(items);
  if (count > MAX_BATCH_OPERATIONS) {
    throw new DataverseError(400, CODES.batchTooLarge, `The number of requests in a batch (${count}) exceeds the maximum of ${MAX_BATCH_OPERATIONS}.`);
  }
  const prefer = parsePrefer(req.get('prefer'));
  const rendered = executeBatch(ctx, items, { base, continueOnError: prefer.continueOnError });
  const answerBoundary = `batchresponse_${newGuid()}`;
  return {
    status: 200,
    headers: {
      'Content-Type': `multipart/mixed; boundary=${answerBoundary}`, 'OData-Version': '4.0',
      ...(prefer.continueOnError ? { 'Preference-Applied': 'odata.continue-on-error' } : {}),
    },
    body: renderBatch(rendered, answerBoundary),
  };
}

export function writeAnswer(res: Response, answer: ApiAnswer): void {
  res.status(answer.status);
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
  res.end(answer.body);
}
