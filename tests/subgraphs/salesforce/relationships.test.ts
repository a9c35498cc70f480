/**
 * Salesforce relationships: `SalesforceContact.Account` comes inline from the same SOQL query when only the
 * account's Id and Name are asked for, and from one batched account read otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/index.ts';
import type { RunningCrm } from '../native/harness.ts';
import { execute, ok, upstreamCalls } from '../native/harness.ts';
import { salesforceHarness as h } from './harness.ts';

type Contact = { Id: string; AccountId: string | null; Account: Record<string, unknown> | null };

describe('Salesforce subgraph relationships', () => {
  let crm: RunningCrm;
  let connector: Connector;
  let contacts: Contact[];
  const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on SalesforceContact { ${selection} } } }`;
  const reps = () => ({ r: contacts.map((c) => ({ __typename: 'SalesforceContact', Id: c.Id })) });

  beforeAll(async () => {
    crm = await h.start();
    connector = h.connect(crm);
    const lister = await h.createSubgraph(connector, { cacheTtlMs: 0 });
    const data = ok<{ salesforceContacts: { edges: { node: Contact }[] } }>(
      await execute(lister, '{ salesforceContacts(first: 100) { edges { node { Id AccountId Account { Id } } } } }'));
    contacts = data.salesforceContacts.edges.map((e) => e.node);
  });
  afterAll(() => crm?.close());

  it('Account { Id Name } of 100 contacts costs nothing beyond the contacts query', async () => {
    expect(contacts.filter((c) => c.AccountId).length).toBeGreaterThan(50);
    const sg = await h.createSubgraph(connector);
    const { result, calls } = await upstreamCalls(crm, () => execute(sg, entities('Id AccountId Account { Id Name }'), reps()));
    const list = ok<{ _entities: Contact[] }>(result)._entities;
    expect(calls).toBe(1);
    for (const c of list) {
      if (c.AccountId) expect(c.Account).toMatchObject({ Id: c.AccountId, Name: expect.any(String) });
      else expect(c.Account).toBeNull();
    }
  });

  it('other Account fields are read in one batched account query for all the contacts', async () => {
    const sg = await h.createSubgraph(connector);
    const { result, calls, routes } = await upstreamCalls(crm, () => execute(sg, entities('Id AccountId Account { Id Name Industry NumberOfEmployees }'), reps()));
    const list = ok<{ _entities: Contact[] }>(result)._entities;
    expect(calls, JSON.stringify(routes)).toBe(2);
    const linked = list.filter((c) => c.AccountId);
    expect(linked.every((c) => c.Account?.Id === c.AccountId && typeof c.Account?.Name === 'string')).toBe(true);
    expect(linked.some((c) => typeof c.Account?.NumberOfEmployees === 'number')).toBe(true);
  });
});
