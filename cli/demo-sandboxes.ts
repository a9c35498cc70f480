/**
 * The CRM sandboxes of the embedded demo, in one table: which CRMs it runs, on which ports, and the connector each is
 * registered as. `customer-graph sandbox` (its flags and help), the sandbox child process (sandboxes/main.ts), the
 * embedded demo's connector setup and the commands' help all read it, so a new CRM's demo sandbox is one row here
 * plus its start function in sandboxes/main.ts.
 *
 * The credentials are each sandbox's defaults, copied: product code never imports sandboxes/.
 */

export interface DemoSandbox {
  /** The CRM id, also the key of its URL in the sandboxes' ready line. */
  crm: string;
  /** As people write it: 'Dynamics 365'. */
  name: string;
  defaultPort: number;
  /** Whether `off` may leave it out (Salesforce and HubSpot are the demo's core, always on). */
  optional: boolean;
  /** The id its demo connector is stored under. */
  connectorId: string;
  /** The sandbox's default credentials, as the connector's registry entry reads them. */
  credentials: Readonly<Record<string, unknown>>;
  /** How to connect by hand, printed when the sandboxes start. */
  howToConnect: string;
}

export const DEMO_SALESFORCE_ID = 'salesforce-demo';
export const DEMO_HUBSPOT_ID = 'hubspot-demo';
export const DEMO_PIPEDRIVE_ID = 'pipedrive-demo';
export const DEMO_DYNAMICS_ID = 'dynamics-demo';
export const DEMO_ZOHO_ID = 'zoho-demo';
/** The demo Pipedrive connector's webhook credentials: the sandbox sends them with every delivery. */
export const DEMO_PIPEDRIVE_WEBHOOK_AUTH = Object.freeze({ user: 'customer-graph', password: 'sandbox-webhook-password' });
/** The Dynamics sandbox's Entra ID app registration. The connector asks the sandbox itself for tokens (no dynamics.com org). */
export const DEMO_DYNAMICS_AUTH = Object.freeze({ kind: 'client-credentials', tenantId: 'sandbox-tenant', clientId: 'customer-graph', clientSecret: 'sandbox-dynamics-secret' });
/** The Zoho sandbox's self client and refresh token. Its URL is no zohoapis.* domain, so it serves the tokens too. */
export const DEMO_ZOHO_AUTH = Object.freeze({ kind: 'refresh-token', clientId: '1000.SANDBOXCLIENTID', clientSecret: 'sandbox-zoho-secret', refreshToken: '1000.sandbox-zoho-refresh-token' });

export const DEMO_SANDBOXES: readonly DemoSandbox[] = [
  {
    crm: 'salesforce', name: 'Salesforce', defaultPort: 4101, optional: false, connectorId: DEMO_SALESFORCE_ID,
    credentials: { auth: { kind: 'client-credentials', clientId: 'customer-graph', clientSecret: 'sandbox' } },
    howToConnect: 'client id customer-graph, secret sandbox',
  },
  {
    crm: 'hubspot', name: 'HubSpot', defaultPort: 4102, optional: false, connectorId: DEMO_HUBSPOT_ID,
    credentials: { auth: { kind: 'static', accessToken: 'sandbox-token' }, webhookSecret: 'sandbox' },
    howToConnect: 'private-app token sandbox-token',
  },
  {
    crm: 'pipedrive', name: 'Pipedrive', defaultPort: 4103, optional: true, connectorId: DEMO_PIPEDRIVE_ID,
    credentials: { auth: { kind: 'api-token', apiToken: 'sandbox-pipedrive-token' }, webhookAuth: DEMO_PIPEDRIVE_WEBHOOK_AUTH },
    howToConnect: 'API token sandbox-pipedrive-token',
  },
  {
    crm: 'dynamics', name: 'Dynamics 365', defaultPort: 4104, optional: true, connectorId: DEMO_DYNAMICS_ID,
    // The key the sandbox's webhook deliveries carry: the connector registers its service endpoint with it.
    credentials: { auth: DEMO_DYNAMICS_AUTH, webhookKey: 'sandbox-dynamics-webhook-key' },
    howToConnect: `tenant ${DEMO_DYNAMICS_AUTH.tenantId}, client id ${DEMO_DYNAMICS_AUTH.clientId}, secret ${DEMO_DYNAMICS_AUTH.clientSecret}`,
  },
  {
    crm: 'zoho', name: 'Zoho CRM', defaultPort: 4105, optional: true, connectorId: DEMO_ZOHO_ID,
    // The token Zoho echoes in every notification: the connector subscribes the sandbox with it.
    credentials: { auth: DEMO_ZOHO_AUTH, webhookToken: 'sandbox-zoho-notification-token' },
    howToConnect: `client id ${DEMO_ZOHO_AUTH.clientId}, secret ${DEMO_ZOHO_AUTH.clientSecret}, refresh token ${DEMO_ZOHO_AUTH.refreshToken}`,
  },
];

/** `--zoho-port`, without the dashes. */
export const portFlag = (sandbox: DemoSandbox): string => `${sandbox.crm}-port`;

/** The variable the embedded demo reads for the sandbox's port: CUSTOMER_GRAPH_DEMO_ZOHO_PORT. */
export const portVariable = (sandbox: DemoSandbox): string => `CUSTOMER_GRAPH_DEMO_${sandbox.crm.toUpperCase()}_PORT`;

/** One help line per sandbox port variable, for the commands that start the embedded demo. */
export function demoPortVariablesHelp(): [string, string][] {
  return DEMO_SANDBOXES.map((s, i) => [
    portVariable(s),
    `port of the demo ${s.name} sandbox (default ${s.defaultPort}${i === 0 ? '; 0: a free port' : ''}${s.optional ? '; off: none' : ''})`,
  ]);
}

/** The sandbox a `--<crm>-port` flag names, if any. */
export function demoSandboxOfFlag(flag: string): DemoSandbox | undefined {
  return DEMO_SANDBOXES.find((s) => portFlag(s) === flag.replace(/^--/, ''));
}

/** Every port variable, for messages: CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT / _HUBSPOT_PORT / … */
export function portVariablesList(): string {
  return DEMO_SANDBOXES.map((d, i) => (i === 0 ? portVariable(d) : portVariable(d).replace('CUSTOMER_GRAPH_DEMO', ''))).join(' / ');
}
