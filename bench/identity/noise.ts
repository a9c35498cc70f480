/**
 * The seeded random source and the kinds of noise people put into CRM records: typos, case, number
 * formats, mailbox variants. Everything draws from one `Rng`, so a seed fixes the whole data set.
 */
import type { Country } from './people-data.ts';

/** mulberry32: tiny, fast, and good enough for test data; the same seed gives the same sequence everywhere. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(options: ReadonlyArray<readonly [T, number]>): T {
    const total = options.reduce((s, [, w]) => s + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of options) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return options[options.length - 1]![0];
  }
  digits(n: number): string {
    let s = String(this.int(2, 9)); // no leading 0 or 1: those are trunk or country prefixes
    while (s.length < n) s += String(this.int(0, 9));
    return s;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'qsz', b: 'vgn', c: 'xdv', d: 'sfe', e: 'wrd', f: 'dgr', g: 'fht', h: 'gjy', i: 'uok', j: 'hku', k: 'jli', l: 'ko',
  m: 'nj', n: 'bmh', o: 'ipl', p: 'o', q: 'wa', r: 'etf', s: 'adw', t: 'ryg', u: 'yji', v: 'cbf', w: 'qes', x: 'zc',
  y: 'tuh', z: 'xa',
};

/** One typing slip: a neighbouring key, two letters swapped, a letter dropped or doubled. Never the first letter. */
export function typo(rng: Rng, word: string): string {
  if (word.length < 3) return word;
  const i = rng.int(1, word.length - 1);
  const c = word[i]!;
  switch (rng.int(0, 3)) {
    case 0: {
      const lower = c.toLowerCase();
      const near = KEYBOARD_NEIGHBOURS[lower];
      if (!near) return word.slice(0, i) + word.slice(i + 1);
      const swap = rng.pick([...near]);
      return word.slice(0, i) + (c === lower ? swap : swap.toUpperCase()) + word.slice(i + 1);
    }
    case 1:
      return i < word.length - 1 ? word.slice(0, i) + word[i + 1] + c + word.slice(i + 2) : word.slice(0, i - 1) + c + word[i - 1];
    case 2:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i) + c + c + word.slice(i + 1);
  }
}

/** One or (less often) two typing slips. */
export function typos(rng: Rng, word: string): string {
  const once = typo(rng, word);
  return rng.chance(0.25) ? typo(rng, once) : once;
}

export function capitalise(word: string): string {
  return word
    .split(/([ '-])/)
    .map((part) => (part.length > 0 ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('');
}

/** How a name is typed into a form: mostly as intended, sometimes all lower or upper case. */
export function nameCase(rng: Rng, name: string): string {
  return rng.weighted<string>([[name, 90], [name.toLowerCase(), 6], [name.toUpperCase(), 4]]);
}

/** What a typing-averse system may do to diacritics. */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
}

export interface PhoneNumber {
  country: Country;
  /** National significant number (no trunk 0, no country code). */
  national: string;
}

const COUNTRY_CODE: Record<Country, string> = { US: '1', GB: '44', DE: '49' };

/** One number written the many ways CRMs receive it: international, national, dotted, bracketed, with an extension. */
export function formatPhone(rng: Rng, phone: PhoneNumber, extension?: string): string {
  const cc = COUNTRY_CODE[phone.country];
  const n = phone.national;
  let text: string;
  if (phone.country === 'US') {
    const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
    text = rng.pick([`+1 ${a} ${b} ${c}`, `(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `${a}-${b}-${c}`, `1-${a}-${b}-${c}`, `+1${n}`, n]);
  } else {
    // GB/DE area codes vary in length; split after the area code the generator used (recorded by a space).
    const [area, subscriber] = n.split(' ') as [string, string];
    const flat = area + subscriber;
    text = rng.pick([`+${cc} ${area} ${subscriber}`, `0${area} ${subscriber}`, `+${cc} (0)${area} ${subscriber}`, `0${area}-${subscriber}`, `+${cc}${flat}`, `0${flat}`]);
  }
  if (extension) text += rng.pick([` ext. ${extension}`, ` x${extension}`, ` ext ${extension}`]);
  return text;
}

/** A plausible variant of an address as typed into another system: case, stray spaces, Gmail dots and tags. */
export function emailVariant(rng: Rng, email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  if (domain === 'gmail.com') {
    if (rng.chance(0.3)) local = rng.chance(0.5) ? local.replaceAll('.', '') : local.replace(/^(\w)(\w)/, '$1.$2');
    if (rng.chance(0.15)) local += rng.pick(['+crm', '+newsletter', '+work', '+2019']);
    if (rng.chance(0.05)) domain = 'googlemail.com';
  } else if (['outlook.com', 'icloud.com'].includes(domain) && rng.chance(0.1)) {
    local += '+lists';
  }
  let text = `${local}@${domain}`;
  text = rng.weighted<string>([[text, 75], [capitalise(local.replace(/\./g, ' ')).replace(/ /g, '.') + '@' + domain, 15], [text.toUpperCase(), 5], [` ${text} `, 5]]);
  return text;
}

/** A typo in an address: most commonly in the mailbox, sometimes in the provider ('gmial.com'). */
export function emailTypo(rng: Rng, email: string): string {
  const at = email.lastIndexOf('@');
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)];
  if (rng.chance(0.3)) {
    const dot = domain.indexOf('.');
    return `${local}@${typo(rng, domain.slice(0, dot))}${domain.slice(dot)}`;
  }
  return `${typo(rng, local)}@${domain}`;
}
