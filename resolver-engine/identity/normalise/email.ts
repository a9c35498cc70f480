/**
 * Email normalisation for matching (not for display or sending). Case and surrounding whitespace never
 * matter; Gmail also ignores dots in the local part and treats googlemail.com as gmail.com; the big
 * providers deliver `user+tag@` to `user@`, so the tag is dropped for them.
 */

const GMAIL = new Set(['gmail.com', 'googlemail.com']);
const PLUS_TAG_PROVIDERS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'icloud.com', 'me.com',
  'mac.com', 'fastmail.com', 'protonmail.com', 'proton.me', 'pm.me', 'zoho.com',
]);

/** Consumer mailbox providers: a shared domain among them says nothing about two people. */
export const FREEMAIL_DOMAINS = new Set([
  ...PLUS_TAG_PROVIDERS, 'yahoo.com', 'yahoo.co.uk', 'ymail.com', 'aol.com', 'gmx.com', 'gmx.de', 'gmx.net',
  'web.de', 'mail.com', 'yandex.com', 'yandex.ru', 'qq.com', '163.com', 'orange.fr', 'free.fr', 'btinternet.com',
  'comcast.net', 'verizon.net', 'att.net', 'hotmail.co.uk', 'outlook.de', 'libero.it', 't-online.de',
]);

/** Local parts of addresses that belong to a role or a team, not a person. */
const ROLE_LOCAL_PARTS = new Set([
  'info', 'sales', 'admin', 'contact', 'office', 'hello', 'support', 'team', 'billing', 'accounts', 'enquiries',
  'inquiries', 'marketing', 'hr', 'jobs', 'careers', 'help', 'mail', 'reception', 'noreply', 'no-reply', 'finance', 'family',
]);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim().toLowerCase().replace(/^mailto:/, '');
  if (!EMAIL.test(email)) return null;
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at);
  let domain = email.slice(at + 1).replace(/\.$/, '');
  if (PLUS_TAG_PROVIDERS.has(domain)) local = local.split('+')[0]!;
  if (GMAIL.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return local === '' ? null : `${local}@${domain}`;
}

export function emailDomain(normalisedEmail: string): string {
  return normalisedEmail.slice(normalisedEmail.lastIndexOf('@') + 1);
}

export function emailLocalPart(normalisedEmail: string): string {
  return normalisedEmail.slice(0, normalisedEmail.lastIndexOf('@'));
}

export function isRoleEmail(normalisedEmail: string): boolean {
  return ROLE_LOCAL_PARTS.has(emailLocalPart(normalisedEmail));
}
