/**
 * The OAuth2 token request, injected into the TokenProvider as a plain function so each connector decides
 * where it goes (Salesforce `{loginUrl}/services/oauth2/token`, HubSpot `/oauth/v1/token`) and tests can point
 * it anywhere. The provider interprets the answer; this only moves bytes.
 */

export interface TokenEndpointReply {
  status: number;
  /** Parsed JSON, or the raw text when the answer was not JSON. */
  body: unknown;
}

/** Sends grant parameters, returns the status and body. Rejects only when no answer came (network, abort). */
export type TokenEndpoint = (params: Record<string, string>, signal: AbortSignal) => Promise<TokenEndpointReply>;

export interface FormTokenEndpointOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** The standard shape: POST `application/x-www-form-urlencoded` to `url`, no Authorization header. */
export function formTokenEndpoint(url: string, options: FormTokenEndpointOptions = {}): TokenEndpoint {
  const doFetch = options.fetch ?? fetch;
  return async (params, signal) => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...options.headers },
      body: new URLSearchParams(params).toString(),
      signal,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page): the provider reports it as unavailable.
    }
    return { status: response.status, body };
  };
}
