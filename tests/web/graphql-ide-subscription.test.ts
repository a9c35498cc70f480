/**
 * A subscription run in the GraphQL IDE goes over graphql-ws on /graphql (not an HTTP POST, which the gateway
 * refuses for subscriptions): a phone changed in the HubSpot sandbox shows up in the IDE's result pane as the new
 * merged phone. Without API tokens, as the demo runs (the IDE sends no token in connection_init).
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.ts';
import type { BrowserSession } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Node { id: string; sources: { crm: string; recordId: string }[] }

describe('GraphQL IDE: a subscription', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  useAdminUiApp({ tokens: '', ready: (app, browser) => { t = app; session = browser; } });

  it.skipIf(!hasChromium)('runs over WebSocket and shows the new merged phone when it changes in a CRM', async () => {
    const page = await t.gql<{ customers: { edges: { node: Node }[] } }>('{ customers(first: 100) { edges { node { id sources { crm recordId } } } } }');
    const customer = page.data!.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'hubspot'))!;
    const hsId = customer.sources.find((s) => s.crm === 'hubspot')!.recordId;

    const ide = await session!.newPage();
    const sockets: string[] = [];
    ide.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    const posted: string[] = [];
    ide.on('request', (r) => { if (r.method() === 'POST' && (r.postData() ?? '').includes('customerChanged')) posted.push(r.url()); });
    await ide.goto(t.url, { waitUntil: 'load' });
    const editor = ide.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await ide.keyboard.press('Control+A');
    await ide.keyboard.press('Delete');
    await ide.keyboard.insertText(`subscription Follow { customerChanged(ids: ["${customer.id}"], fields: ["phone"]) { customerId customer { phone } } }`);
    // The IDE names the tab after the operation once it has read the new text; running before that sends the old name.
    await ide.locator('.graphiql-tab', { hasText: 'Follow' }).waitFor({ timeout: 15_000 });
    await ide.locator('.graphiql-execute-button').click();
    // Subscribed once the gateway counts the subscriber; then the change is made in HubSpot.
    await expect.poll(() => t.app.server.subscriptions!.stats().subscribers, { timeout: 20_000 }).toBe(1);
    const res = await fetch(`${t.hubspotUrl}/crm/v3/objects/contacts/${hsId}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' },
      body: JSON.stringify({ properties: { phone: '+1 212 555 0177' } }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => ide.locator('.graphiql-response').textContent(), { timeout: 30_000 }).toContain('+12125550177');
    expect(await ide.locator('.graphiql-response').textContent()).toContain(customer.id);
    expect(posted).toEqual([]);
    expect(sockets).toContain('/graphql');
    await ide.close();
  });
});
