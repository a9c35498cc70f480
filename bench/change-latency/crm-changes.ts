/**
 * What the change-latency bench needs to know per CRM: how its push path is called, how a phone is changed through
 * the CRM's own API (with the demo connector's credentials, cli/demo-sandboxes.ts), how the sandbox's push is switched
 * off for the polling mode, and how many pushes the sandbox made.
 *
 * Push paths: HubSpot signed app webhooks (batched 200 ms), Pipedrive webhooks v2 (Basic credentials), Salesforce
 * Change Data Capture over the Streaming API (the gateway holds a CometD stream open), Dynamics 365 webhooks (a
 * Dataverse service endpoint with steps, delivered asynchronously), Zoho CRM notifications (a watch channel).
 */
import { DEMO_DYNAMICS_AUTH, DEMO_SANDBOXES, DEMO_ZOHO_AUTH } from '../../cli/demo-sandboxes.ts';

export const LATENCY_CRMS = ['hubspot', 'pipedrive', 'salesforce', 'dynamics', 'zoho'] as const;
export type LatencyCrm = (typeof LATENCY_CRMS)[number];

export const isLatencyCrm = (value: string): value is LatencyCrm => (LATENCY_CRMS as readonly string[]).includes(value);

export const CRM_NAME: Record<LatencyCrm, string> = {
  hubspot: 'HubSpot', pipedrive: 'Pipedrive', salesforce: 'Salesforce', dynamics: 'Dynamics 365', zoho: 'Zoho CRM',
};

/** The push path's name in the bench's tables (`--modes webhook`). */
export const PUSH_PATH: Record<LatencyCrm, string> = {
  hubspot: 'HubSpot signed webhook',
  pipedrive: 'Pipedrive webhook (Basic credentials)',
  salesforce: 'Salesforce CDC stream',
  dynamics: 'Dynamics 365 webhook',
  zoho: 'Zoho CRM notification',
};

/** The demo sandboxes' addresses, as the gateway process reports them (a sandbox left off is absent). */
export interface SandboxUrls {
  hubspotUrl: string;
  salesforceUrl: string;
  pipedriveUrl?: string;
  dynamicsUrl?: string;
  zohoUrl?: string;
}

/** A phone change through the CRM's API; resolves with the CRM's answer (the change is committed there). */
export type PhoneChange = (recordId: string, phone: string) => Promise<Response>;

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

function urlOf(urls: SandboxUrls, crm: LatencyCrm): string {
  const url = { hubspot: urls.hubspotUrl, pipedrive: urls.pipedriveUrl, salesforce: urls.salesforceUrl, dynamics: urls.dynamicsUrl, zoho: urls.zohoUrl }[crm];
  if (!url) throw new Error(`the ${CRM_NAME[crm]} sandbox is not running`);
  return url;
}

async function accessToken(url: string, body: Record<string, string>): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: FORM_TYPE, body: new URLSearchParams(body) });
  if (!res.ok) throw new Error(`token request to ${url}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * The CRM's phone change, with its access token obtained once (the sandboxes' tokens outlive a bench run):
 * Salesforce REST `PATCH sobjects/Contact/{id}` (client credentials), Dataverse `PATCH contacts({id})` (client
 * credentials), Zoho `PUT /crm/v8/Contacts` (refresh-token grant), HubSpot and Pipedrive with their static tokens.
 */
export async function phoneChange(crm: LatencyCrm, urls: SandboxUrls): Promise<PhoneChange> {
  const base = urlOf(urls, crm);
  switch (crm) {
    case 'hubspot':
      return (id, phone) => fetch(`${base}/crm/v3/objects/contacts/${id}`, {
        method: 'PATCH', headers: { ...JSON_TYPE, authorization: 'Bearer sandbox-token' }, body: JSON.stringify({ properties: { phone } }),
      });
    case 'pipedrive':
      return (id, phone) => fetch(`${base}/api/v2/persons/${id}`, {
        method: 'PATCH', headers: { ...JSON_TYPE, 'x-api-token': 'sandbox-pipedrive-token' }, body: JSON.stringify({ phones: [{ value: phone, primary: true, label: 'work' }] }),
      });
    case 'salesforce': {
      const auth = DEMO_SANDBOXES.find((d) => d.crm === 'salesforce')!.credentials.auth as { clientId: string; clientSecret: string };
      const token = await accessToken(`${base}/services/oauth2/token`, { grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret });
      return (id, phone) => fetch(`${base}/services/data/v60.0/sobjects/Contact/${id}`, {
        method: 'PATCH', headers: { ...JSON_TYPE, authorization: `Bearer ${token}` }, body: JSON.stringify({ Phone: phone }),
      });
    }
    case 'dynamics': {
      const token = await accessToken(`${base}/${DEMO_DYNAMICS_AUTH.tenantId}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials', client_id: DEMO_DYNAMICS_AUTH.clientId, client_secret: DEMO_DYNAMICS_AUTH.clientSecret, scope: `${base}/.default`,
      });
      return (id, phone) => fetch(`${base}/api/data/v9.2/contacts(${id})`, {
        method: 'PATCH', headers: { ...JSON_TYPE, authorization: `Bearer ${token}` }, body: JSON.stringify({ telephone1: phone }),
      });
    }
    case 'zoho': {
      const token = await accessToken(`${base}/oauth/v2/token`, {
        grant_type: 'refresh_token', client_id: DEMO_ZOHO_AUTH.clientId, client_secret: DEMO_ZOHO_AUTH.clientSecret, refresh_token: DEMO_ZOHO_AUTH.refreshToken,
      });
      return (id, phone) => fetch(`${base}/crm/v8/Contacts`, {
        method: 'PUT', headers: { ...JSON_TYPE, authorization: `Zoho-oauthtoken ${token}` }, body: JSON.stringify({ data: [{ id, Phone: phone }], trigger: [] }),
      });
    }
  }
}

async function control(url: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method, headers: JSON_TYPE, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Switches the sandbox's push off (and drops what is queued) through its control route, so only the poller brings
 * changes in. HubSpot's webhooks go off whatever the CRM (its sandbox always runs in the demo). Salesforce's stream is
 * switched off in the gateway instead (CUSTOMER_GRAPH_SALESFORCE_CDC=off), as an org without CDC would run.
 */
export async function switchPushOff(crm: LatencyCrm, urls: SandboxUrls): Promise<void> {
  await control(`${urls.hubspotUrl}/_sandbox/hubspot/webhooks`, 'DELETE');
  if (crm === 'pipedrive') await control(`${urlOf(urls, crm)}/_sandbox/pipedrive/webhooks`, 'PUT', { enabled: false });
  if (crm === 'dynamics') await control(`${urlOf(urls, crm)}/_sandbox/dynamics/webhooks`, 'PUT', { enabled: false });
  if (crm === 'zoho') await control(`${urlOf(urls, crm)}/_sandbox/zoho/notifications/pause`, 'POST');
}

/**
 * How many pushes the sandbox made: webhook or notification deliveries, or for Salesforce the change events
 * published on its stream (the newest replay id; the sandbox does not count the events each client was sent).
 */
export async function pushesMade(crm: LatencyCrm, urls: SandboxUrls): Promise<number> {
  const base = urlOf(urls, crm);
  if (crm === 'salesforce') return Number((await control(`${base}/_sandbox/salesforce/streaming`, 'GET')).lastReplayId ?? 0);
  const route = { hubspot: '/_sandbox/hubspot/webhooks', pipedrive: '/_sandbox/pipedrive/webhooks', dynamics: '/_sandbox/dynamics/webhooks', zoho: '/_sandbox/zoho/notifications' }[crm];
  return Number((await control(`${base}${route}`, 'GET')).delivered);
}
