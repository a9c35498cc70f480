/** GraphQL over HTTP with an API token, as admin clients send it (`authorization: Bearer <token>`; null: none). */
export type GqlBody<T> = { data?: T; errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[] };

export function bearerGraphql(url: () => string, defaultToken: string | null) {
  return async <T>(query: string, variables: Record<string, unknown> = {}, token: string | null = defaultToken): Promise<GqlBody<T>> => {
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json() as Promise<GqlBody<T>>;
  };
}
