/**
 * The admin UI's entry point (bundled by web/serve.ts): the page frame, the API token form and the pages — the
 * review queue (`#/review`, also the default), sync health (`#/sync`), field rules (`#/rules`), field mapping
 * (`#/mapping`), data quality (`#/quality`) and connectors (`#/connectors`) — switched on `location.hash`, so a page
 * can be bookmarked and the browser's back button works. A new page joins `PAGES`.
 */
import './styles.css';
import { errorCodeInWords, storeToken, storedToken } from './api.ts';
import type { ApiError } from './api.ts';
import { h, required } from './dom.ts';
import { ReviewQueueView } from './review-queue.ts';
import type { Notices } from './review-queue.ts';
import { SyncHealthView } from './sync-health.ts';
import { FieldRulesView } from './field-rules.ts';
import { FieldMappingView } from './field-mapping.ts';
import { DataQualityView } from './data-quality.ts';
import { ConnectorsView } from './connectors.ts';

interface View { readonly element: HTMLElement; load(): Promise<void> }
interface Page { hash: string; label: string; make(notices: Notices): View }

const PAGES: readonly Page[] = [
  { hash: '#/review', label: 'Review queue', make: (n) => new ReviewQueueView(n) },
  { hash: '#/sync', label: 'Sync health', make: (n) => new SyncHealthView(n) },
  { hash: '#/rules', label: 'Field rules', make: (n) => new FieldRulesView(n) },
  { hash: '#/mapping', label: 'Field mapping', make: (n) => new FieldMappingView(n) },
  { hash: '#/quality', label: 'Data quality', make: (n) => new DataQualityView(n) },
  { hash: '#/connectors', label: 'Connectors', make: (n) => new ConnectorsView(n) },
];

/** The page for the current hash; the review queue for none or an unknown one (the UI's first page, /admin/). */
const pageOf = (hash: string): Page => PAGES.find((p) => p.hash === hash) ?? PAGES[0]!;

function tokenForm(onChange: () => void): HTMLElement {
  const input = h('input', { id: 'api-token', name: 'api-token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-state' });
  const state = h('p', { id: 'token-state', class: 'token-state' });
  const forget = h('button', { type: 'button', class: 'secondary' }, 'Forget token');
  const show = () => {
    const has = Boolean(storedToken());
    state.textContent = has
      ? 'A token is set for this browser tab.'
      : 'No token set. Paste one of the gateway\'s API tokens (CUSTOMER_GRAPH_API_TOKENS) if it requires one; it is kept for this tab only.';
    forget.hidden = !has;
  };
  const form = h('form', { class: 'token', 'aria-label': 'Gateway access' },
    h('label', { for: 'api-token' }, 'API token'), input, h('button', { type: 'submit' }, 'Use token'), forget, state);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    storeToken(input.value.trim() || null);
    input.value = '';
    show();
    onChange();
  });
  forget.addEventListener('click', () => {
    storeToken(null);
    show();
    input.focus();
    onChange();
  });
  show();
  return form;
}

function start(): void {
  const root = required<HTMLElement>(document, '#app');
  const status = h('p', { id: 'status', class: 'status', role: 'status' });
  const alert = h('div', { id: 'errors', class: 'errors', role: 'alert' });
  const notices = {
    say(text: string) {
      status.textContent = text;
    },
    errors(errors: readonly ApiError[]) {
      // The code in words first; the code itself stays, small, after the message (for support and the API docs).
      alert.replaceChildren(...errors.map((e) => h('p', {}, h('strong', { class: 'code-words' }, `${errorCodeInWords(e.code)}:`), ` ${e.message} `,
        h('small', { class: 'code' }, e.code))));
      if (errors.length > 0) status.textContent = '';
    },
  };
  // One view per page, made on first visit; only the current one is in the document.
  const views = new Map<Page, View>();
  const slot = h('div', { id: 'page' });
  const links = PAGES.map((p) => h('a', { href: p.hash }, p.label));
  let current: View | undefined;
  const show = () => {
    const page = pageOf(location.hash);
    let view = views.get(page);
    if (!view) views.set(page, view = page.make(notices));
    links.forEach((a, i) => (PAGES[i] === page ? a.setAttribute('aria-current', 'page') : a.removeAttribute('aria-current')));
    document.title = `${page.label} · customer-graph`;
    notices.errors([]);
    notices.say('');
    current = view;
    slot.replaceChildren(view.element);
    void view.load();
  };
  root.replaceChildren(
    h('header', {}, h('h1', {}, 'customer-graph'), h('nav', { 'aria-label': 'Admin pages' }, ...links)),
    tokenForm(() => void current?.load()),
    status,
    alert,
    slot);
  window.addEventListener('hashchange', show);
  show();
}

start();
