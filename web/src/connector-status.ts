/**
 * A connector card's state in plain words, and what to do when it needs attention: the stored status (refused
 * credentials, disabled, unreachable when it was to start) and, for a running connector, whether polling can
 * bring its objects up to date — so a card does not say "Connected" in green while Sync health shows its objects
 * failing.
 */
import { disabledStatus } from './connector-lifecycle.ts';
import type { LifecycleConnector } from './connector-lifecycle.ts';
import { crmName, pollProblem } from './sync-words.ts';

/** One of the connector's objects whose last poll failed (Sync health's change-capture line), as the card needs it. */
export interface FailingObject { objectType: string; code: string; crm: string | null; consecutiveFailures: number }

export interface StatusConnector extends LifecycleConnector {
  crm: string; status: string; statusReason: string | null; demo: boolean; running: boolean;
  failingObjects?: readonly FailingObject[];
}

/** The environment variables that also carry credentials: they seed the connector at start (README, Configuration). */
const CREDENTIAL_VARIABLES: Readonly<Record<string, string>> = {
  salesforce: 'SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, SALESFORCE_REFRESH_TOKEN',
  hubspot: 'HUBSPOT_ACCESS_TOKEN',
  pipedrive: 'PIPEDRIVE_API_TOKEN',
};

export function reauthorise(c: { crm: string }): string {
  const vars = CREDENTIAL_VARIABLES[c.crm];
  return 'Re-authorise: choose Edit connection and enter new credentials; the gateway tests them before storing them. '
    + `Credentials in the environment${vars ? ` (${vars})` : ''} still work too: they seed the connector at start, and a changed value there wins again at the next start.`;
}

export function statusOf(c: StatusConnector): { label: string; tone: 'ok' | 'error' | 'off'; detail: string | null } {
  if (c.status === 'needs_reauthorisation') {
    return { label: `Needs new credentials: ${c.statusReason ?? `${crmName(c.crm)} refused them`}`, tone: 'error', detail: reauthorise(c) };
  }
  const disabled = disabledStatus(c);
  if (disabled) return disabled;
  if (c.status === 'unavailable') {
    const crm = crmName(c.crm);
    return {
      label: `Not connected: ${crm} could not be read when this connector was to start`,
      tone: 'error',
      detail: `${c.statusReason ? `${c.statusReason} ` : ''}The gateway tries again by itself (every few seconds at first, then every 5 minutes) and adds ${crm} to the graph as soon as it answers, without a restart; meanwhile golden records answer from the other CRMs. If the address or the credentials are wrong, choose Edit connection: saving working ones connects it at once.`,
    };
  }
  if (!c.running) {
    const why = c.demo
      ? 'It is a demo sandbox, and real CRMs are configured, so the demo is not used.'
      : `Another ${crmName(c.crm)} connector is in use: the gateway runs one per CRM.`;
    return { label: 'Not running in this process', tone: 'off', detail: why };
  }
  const failing = c.failingObjects ?? [];
  if (failing.length > 0) {
    const first = failing[0]!;
    const { problem, todo } = pollProblem(first.code, crmName(first.crm ?? c.crm));
    const names = failing.map((f) => f.objectType).join(', ');
    return {
      label: `Connected, but changes of ${names} cannot be brought up to date: ${problem}`,
      tone: 'error',
      detail: `What to do: ${todo} Sync health has each object's last poll.`,
    };
  }
  return { label: 'Connected', tone: 'ok', detail: c.statusReason };
}
