/**
 * The admin UI's entry point (bundled by web/serve.ts): the page frame, the API token form and the review queue.
 * Later pages (connectors, field mapping, rules, sync health) join the navigation here.
 */
import './styles.css';
import { storeToken, storedToken } from './api.ts';
import type { ApiError } from './api.ts';
import { h, required } from './dom.ts';
import { ReviewQueueView } from './review-queue.ts';

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
      alert.replaceChildren(...errors.map((e) => h('p', {}, h('strong', { class: 'code' }, e.code), ` ${e.message}`)));
      if (errors.length > 0) status.textContent = '';
    },
  };
  const queue = new ReviewQueueView(notices);
  root.replaceChildren(
    h('header', {}, h('h1', {}, 'customer-graph'), h('nav', { 'aria-label': 'Admin pages' }, h('a', { href: './', 'aria-current': 'page' }, 'Review queue'))),
    tokenForm(() => void queue.load()),
    status,
    alert,
    queue.element);
  void queue.load();
}

start();
