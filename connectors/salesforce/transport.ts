/**
 * The byte transport under jsforce's HttpApi: one `fetch`, no retries, aborted by the runtime's signal.
 *
 * jsforce 3.10's own transport (lib/request.js) is replaced for two reasons:
 *  - it retries GET/PUT/DELETE on 420/429/5xx and socket errors by itself (up to five times, ignoring Retry-After),
 *    behind the back of the account's rate budget and runCall's retry policy;
 *  - it pipes the response body with `Readable.fromWeb(body).pipe(…)`, which does not forward stream errors: a
 *    connection cut in the middle of a body becomes an UNCAUGHT `TypeError: terminated` (a process crash under
 *    Node's defaults) and the call never settles.
 * Here the whole body is read inside the promise, so a cut connection is an ordinary rejection the classifier
 * turns into CRM_UNAVAILABLE. Everything above the bytes (Bearer header, JSON parsing by content type, Salesforce
 * error envelopes, 204/300 handling) stays jsforce's.
 */
import { PassThrough } from 'node:stream';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { HttpRequest, HttpResponse } from 'jsforce';

export class FetchTransport {
  constructor(private readonly signal: AbortSignal) {}

  /** The Transport#httpRequest shape HttpApi calls: a promise of the whole response, plus a stream it may pipe. */
  httpRequest(request: HttpRequest): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      const stream = new PassThrough();
      const promise = this.send(request).then(
        (response) => {
          stream.end(response.body);
          return response;
        },
        (err: unknown) => {
          stream.destroy();
          throw err;
        },
      );
      return { stream, promise };
    });
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const method = request.method.toUpperCase();
    // jsforce's beforeSend adds content-length, which fetch computes itself and refuses to be given.
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([name]) => !/^(content-length|transfer-encoding)$/i.test(name)));
    const res = await fetch(request.url, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : (request.body as string | undefined),
      // Never follow a redirect with the Bearer token; Salesforce's REST API does not redirect.
      redirect: 'manual',
      signal: this.signal,
    });
    // A connection cut mid-body rejects here, inside the call.
    const body = await res.text();
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    return { statusCode: res.status, headers: responseHeaders, body };
  }
}
