/**
 * What the write-back bench and the chaos run ask for, and how they check it arrived: golden Customer updates in
 * waves (several per customer, one field at a time, `title` twice so the last value must win), sent as
 * `updateCustomer` mutations over HTTP, and the final value of every field looked up in each sandbox's ledger.
 */
import type { LedgerEntry } from './gateway-client.ts';

/** Golden field → native field per CRM (text fields both CRMs hold and the default mapping writes). */
export const NATIVE_FIELDS: Record<string, { salesforce: string; hubspot: string }> = {
  title: { salesforce: 'Title', hubspot: 'jobtitle' },
  mailingCity: { salesforce: 'MailingCity', hubspot: 'city' },
  mailingPostalCode: { salesforce: 'MailingPostalCode', hubspot: 'zip' },
  mailingStreet: { salesforce: 'MailingStreet', hubspot: 'address' },
};

export interface BenchCustomer { id: string; salesforceId: string; hubspotId: string }
export interface Update { customerId: string; input: Record<string, string> }

/** `perCustomer` waves; wave k sets one field of every customer. Titles come back every third wave (overwrites). */
export function planUpdates(customers: readonly BenchCustomer[], perCustomer: number, tag: string): { waves: Update[][]; finals: Map<string, Record<string, string>> } {
  const order = ['title', 'mailingCity', 'title', 'mailingPostalCode', 'mailingStreet', 'title', 'mailingCity', 'mailingPostalCode'];
  const finals = new Map<string, Record<string, string>>(customers.map((c) => [c.id, {}]));
  const waves: Update[][] = [];
  for (let k = 0; k < perCustomer; k++) {
    const field = order[k % order.length]!;
    waves.push(customers.map((c, i) => {
      const value = field === 'mailingStreet' ? `${i + 1} ${tag} Street ${k}` : field === 'mailingPostalCode' ? `${tag}-${i + 1}-${k}` : `${field} ${tag} ${i + 1}.${k}`;
      finals.get(c.id)![field] = value;
      return { customerId: c.id, input: { [field]: value } };
    }));
  }
  return { waves, finals };
}

export const UPDATE_CUSTOMER = 'mutation($id: ID!, $input: CustomerInput!) { updateCustomer(id: $id, input: $input) { enqueued } }';

export async function gql<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL error (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body).slice(0, 400)}`);
  return body.data;
}

/** Every golden customer with exactly one Salesforce Contact and one HubSpot contact, through the golden API. */
export async function listBothCrmCustomers(url: string): Promise<BenchCustomer[]> {
  const out: BenchCustomer[] = [];
  let after: string | null = null;
  for (;;) {
    type Page = { customers: { edges: { node: { id: string; sources: { crm: string; recordId: string }[] } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const page: Page = await gql<Page>(url, 'query($after: String) { customers(first: 500, after: $after) { edges { node { id sources { crm recordId } } } pageInfo { hasNextPage endCursor } } }', { after });
    for (const { node } of page.customers.edges) {
      const sf = node.sources.filter((s) => s.crm === 'salesforce');
      const hs = node.sources.filter((s) => s.crm === 'hubspot');
      if (sf.length === 1 && hs.length === 1) out.push({ id: node.id, salesforceId: sf[0]!.recordId, hubspotId: hs[0]!.recordId });
    }
    if (!page.customers.pageInfo.hasNextPage) return out;
    after = page.customers.pageInfo.endCursor;
  }
}

export interface FinalCheck {
  /** (crm, record, field) triples checked. */
  checked: number;
  missing: { crm: string; recordId: string; field: string; want: string; got: unknown }[];
}

/** The last value the ledger shows written to each field must be the intended final one, in both CRMs. */
export function checkFinals(customers: readonly BenchCustomer[], finals: ReadonlyMap<string, Record<string, string>>, ledgers: { salesforce: LedgerEntry[]; hubspot: LedgerEntry[] }): FinalCheck {
  const last = (entries: LedgerEntry[]) => {
    const m = new Map<string, Record<string, unknown>>();
    for (const e of [...entries].sort((a, b) => a.seq - b.seq)) m.set(e.recordId, { ...m.get(e.recordId), ...e.fields });
    return m;
  };
  const byCrm = { salesforce: last(ledgers.salesforce), hubspot: last(ledgers.hubspot) };
  const result: FinalCheck = { checked: 0, missing: [] };
  for (const c of customers) {
    for (const [field, want] of Object.entries(finals.get(c.id) ?? {})) {
      for (const crm of ['salesforce', 'hubspot'] as const) {
        const recordId = crm === 'salesforce' ? c.salesforceId : c.hubspotId;
        const native = NATIVE_FIELDS[field]![crm];
        const got = byCrm[crm].get(recordId)?.[native];
        result.checked++;
        if (got !== want) result.missing.push({ crm, recordId, field: native, want, got: got ?? null });
      }
    }
  }
  return result;
}
