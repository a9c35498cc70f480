/** American Soundex: groups surnames that sound alike ('Smith', 'Smyth' → S530) for blocking. */
const CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
};

export function soundex(normalised: string): string {
  const letters = normalised.replace(/[^a-z]/g, '');
  if (letters === '') return '';
  let result = letters[0]!.toUpperCase();
  let previous = CODES[letters[0]!] ?? '';
  for (const letter of letters.slice(1)) {
    const code = CODES[letter] ?? '';
    // h and w do not separate letters with the same code; vowels do.
    if (code !== '' && code !== previous) result += code;
    if (letter !== 'h' && letter !== 'w') previous = code;
    if (result.length === 4) break;
  }
  return result.padEnd(4, '0');
}
