/**
 * One cheap call that proves a connector works: the metadata of one object (describe), on the interactive lane,
 * bounded by a deadline. It proves the address, the credentials and API access at once; describing every object
 * would cost more calls for no more certainty. Used by the admin API's `testConnector` and before new connection
 * settings are stored.
 */
import { ConnectorError, asConnectorError } from '../contract/index.ts';
import type { Connector } from '../contract/index.ts';

export interface ProbeOutcome {
  ok: boolean;
  /** Milliseconds the probe took. */
  ms: number;
  /** The objects whose metadata was read (or asked for, when it failed). */
  objectsChecked: string[];
  /** Null when ok: the connector error's code and message (secrets redacted). */
  error: { code: string; message: string } | null;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** Rejects with `reason` when the timer fires, for the parts of a call (a token fetch) that do not listen to signals. */
function deadline(ms: number, controller: AbortController, reason: ConnectorError): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(reason);
      reject(reason);
    }, ms);
  });
  promise.catch(() => {});
  return { promise, clear: () => clearTimeout(timer) };
}

/** Describes `objectType` (or, when absent, whatever the connector describes by default). Never throws. */
export async function probeConnector(connector: Connector, objectType: string | undefined, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<ProbeOutcome> {
  const controller = new AbortController();
  const timeout = new ConnectorError('CRM_TIMEOUT', connector.crm, `no answer within ${Math.round(timeoutMs / 1000)} s`);
  const limit = deadline(timeoutMs, controller, timeout);
  const started = performance.now();
  try {
    const described = await Promise.race([
      connector.describeObjects(objectType ? [objectType] : undefined, { lane: 'interactive', signal: controller.signal }),
      limit.promise,
    ]);
    return { ok: true, ms: Math.round(performance.now() - started), objectsChecked: described.map((d) => d.name), error: null };
  } catch (err) {
    const e = controller.signal.aborted ? timeout : asConnectorError(connector.crm, err);
    return { ok: false, ms: Math.round(performance.now() - started), objectsChecked: objectType ? [objectType] : [], error: { code: e.code, message: e.message } };
  } finally {
    limit.clear();
  }
}
