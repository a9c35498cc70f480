/**
 * Sync health in plain words: CRM names as people know them, ages as "40 s" / "2 min" / "3 h", counts with their
 * noun. Kept apart from the view so the wording is in one place.
 */
const CRM_NAMES: Readonly<Record<string, string>> = { salesforce: 'Salesforce', hubspot: 'HubSpot', pipedrive: 'Pipedrive', dynamics: 'Dynamics 365', zoho: 'Zoho CRM' };

export function crmName(crm: string): string {
  return CRM_NAMES[crm.toLowerCase()] ?? crm;
}

/** A whole number of seconds as a short age: 40 s, 2 min, 3 h, 2 days. */
export function age(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  const days = Math.floor(seconds / 86_400);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** `3 changes`, `1 change`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** "Customer", "Customer and Company", "Customer, Company and Deal". */
export function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * A change-capture lease owner (`host:pid:abcd1234 poll=15000ms`, sync/leadership.ts) as a reader says it: "the process
 * 8432 on host gw-1 (polls every 15 s)". An owner of another shape is shown as it is.
 */
export function processName(owner: string): string {
  const m = /^(.+):(\d+):[0-9a-f]+(?: poll=(off|\d+ms))?$/.exec(owner);
  if (!m) return owner;
  const [, host, pid, poll] = m;
  const polling = poll === undefined ? '' : poll === 'off' ? ' (polling off there)' : ` (polls every ${age(Math.round(Number(poll.slice(0, -2)) / 1000))})`;
  return `the process ${pid} on host ${host}${polling}`;
}

/** An ISO time in the reader's locale (the ISO value itself when it does not parse). */
export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * Polling normally runs every few seconds (every 15 s by default): an object not polled for this long suggests the
 * poller stopped (gateway down, polling turned off), even though nothing is reported as failing.
 */
export const POLL_SILENT_SECONDS = 600;

/** What a failed poll means and what to do about it, by connector error code; `crm` is the CRM that failed. */
export function pollProblem(code: string, crm: string): { problem: string; todo: string } {
  const retries = 'Polling tries again by itself and no change is lost';
  switch (code) {
    case 'CRM_AUTH_FAILED':
    case 'UNAUTHENTICATED':
      return {
        problem: `${crm} refused the connector's sign-in (its credentials were rejected, expired or revoked)`,
        todo: `Reconnect the ${crm} connector (sign in to ${crm} again). Changes are not read until then; none is lost, they are read once it is reconnected.`,
      };
    case 'CRM_RATE_LIMITED':
      return { problem: `${crm} asked us to slow down (too many calls for now)`, todo: `nothing — polling resumes by itself once ${crm} accepts calls again, and no change is lost.` };
    case 'CRM_BUDGET_EXHAUSTED':
      return {
        problem: `the daily allowance of ${crm} calls is used up`,
        todo: `Polling resumes by itself when the allowance renews, and no change is lost. If this happens often, raise the allowance in ${crm}.`,
      };
    case 'CRM_UNAVAILABLE':
      return { problem: `${crm} could not be reached`, todo: `${retries}. If this lasts, check ${crm}'s status page and this server's network connection.` };
    case 'CRM_TIMEOUT':
      return { problem: `${crm} did not answer in time`, todo: `${retries}. If this lasts, check ${crm}'s status page and this server's network connection.` };
    case 'CRM_VALIDATION':
    case 'CRM_NOT_FOUND':
      return {
        problem: `${crm} refused the request: a field or object this sync reads may have been renamed or removed there`,
        todo: `Check the field mapping of this object against ${crm}. ${retries} once it is fixed.`,
      };
    default:
      return { problem: 'the poll failed', todo: `${retries}. If it keeps failing, the gateway log has the details.` };
  }
}
