/** The API versions the sandbox answers, newest last, with Salesforce's release labels. */
export const LATEST_VERSION = '60.0';
const OLDEST = 31;
const LATEST = 60;

/** Release label of a major version: v60 is Spring '24, v59 Winter '24, v58 Summer '23, … */
function label(v: number): string {
  const k = v - 60;
  const season = ['Spring', 'Summer', 'Winter'][((k % 3) + 3) % 3]!;
  const year = 24 + Math.floor((k + 1) / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = OLDEST; v <= LATEST; v++) out.push({ label: label(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}

export function isSupportedVersion(version: string): boolean {
  const m = /^(\d+)\.0$/.exec(version);
  return m !== null && Number(m[1]) >= OLDEST && Number(m[1]) <= LATEST;
}
