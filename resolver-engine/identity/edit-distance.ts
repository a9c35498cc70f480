/**
 * Optimal-string-alignment distance: Levenshtein plus the swap of two neighbouring letters as one edit,
 * which is the commonest typing slip ('Ryo' for 'Roy', 'Butlre' for 'Butler').
 */
export function typingDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * Whether two names carry different numbers ('Bulk Company 0' / 'Bulk Company 20', 'Studio 54' / 'Studio 55',
 * '5th Ave' / '6th Ave'): a number names one thing among several and is not mistyped as often as it is copied, so
 * names that differ in their digits are never typos of each other, however close the letters.
 */
export function numbersDiffer(a: string, b: string): boolean {
  return a.replace(/\D+/g, ' ').trim() !== b.replace(/\D+/g, ' ').trim();
}
