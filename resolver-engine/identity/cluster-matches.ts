/**
 * Groups linked pairs into clusters (one cluster = one golden customer) with union-find, respecting the
 * decisions people recorded: must-link pairs are joined first, and no link — automatic or recorded — may
 * join two clusters that hold a cannot-link pair. Stronger automatic links are applied first, so when a
 * cannot-link forces a choice, the better-supported link survives.
 */

export interface MatchDecisions {
  mustLink?: ReadonlyArray<readonly [string, string]>;
  cannotLink?: ReadonlyArray<readonly [string, string]>;
}

export interface ScoredLink {
  a: string;
  b: string;
  score?: number;
  decision?: string;
}

export interface Clustering {
  /** Each cluster's ids sorted; clusters sorted by their first id. Singletons included. */
  clusters: string[][];
  /** Links not applied because a cannot-link decision forbids joining their clusters. */
  blocked: Array<{ a: string; b: string; reason: string }>;
}

class UnionFind {
  readonly parent = new Map<string, string>();
  readonly cannot = new Map<string, Set<string>>();

  add(id: string): void {
    if (!this.parent.has(id)) this.parent.set(id, id);
  }

  find(id: string): string {
    this.add(id);
    let root = id;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    while (this.parent.get(id) !== root) {
      const next = this.parent.get(id)!;
      this.parent.set(id, root);
      id = next;
    }
    return root;
  }

  /** Whether a cannot-link pair would end up inside one cluster if these two roots were joined. */
  forbidden(rootA: string, rootB: string): boolean {
    for (const other of this.cannot.get(rootA) ?? []) if (this.find(other) === rootB) return true;
    return false;
  }

  union(rootA: string, rootB: string): void {
    const [keep, drop] = rootA < rootB ? [rootA, rootB] : [rootB, rootA];
    this.parent.set(drop, keep);
    const merged = new Set([...(this.cannot.get(keep) ?? []), ...(this.cannot.get(drop) ?? [])]);
    this.cannot.set(keep, merged);
    this.cannot.delete(drop);
  }
}

export function clusterMatches(ids: readonly string[], links: readonly ScoredLink[], decisions: MatchDecisions = {}): Clustering {
  const uf = new UnionFind();
  ids.forEach((id) => uf.add(id));
  for (const [a, b] of decisions.cannotLink ?? []) {
    uf.add(a);
    uf.add(b);
    uf.cannot.set(a, new Set([...(uf.cannot.get(a) ?? []), b]));
    uf.cannot.set(b, new Set([...(uf.cannot.get(b) ?? []), a]));
  }
  const blocked: Clustering['blocked'] = [];
  const join = (a: string, b: string, reason: string) => {
    const [ra, rb] = [uf.find(a), uf.find(b)];
    if (ra === rb) return;
    if (uf.forbidden(ra, rb) || uf.forbidden(rb, ra)) blocked.push({ a, b, reason });
    else uf.union(ra, rb);
  };
  for (const [a, b] of decisions.mustLink ?? []) join(a, b, 'must-link conflicts with a recorded cannot-link');
  const automatic = links
    .filter((l) => l.decision === undefined || l.decision === 'link')
    .sort((x, y) => (y.score ?? 0) - (x.score ?? 0) || (x.a + '\0' + x.b < y.a + '\0' + y.b ? -1 : 1));
  for (const link of automatic) join(link.a, link.b, 'a recorded cannot-link decision keeps these apart');

  const clusters = new Map<string, string[]>();
  for (const id of uf.parent.keys()) {
    const root = uf.find(id);
    clusters.set(root, [...(clusters.get(root) ?? []), id]);
  }
  const sorted = [...clusters.values()].map((c) => c.sort()).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
  return { clusters: sorted, blocked };
}
