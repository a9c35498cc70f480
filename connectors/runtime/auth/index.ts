export { TokenProvider } from './token-provider.ts';
export type { AuthFlow, TokenProviderOptions } from './token-provider.ts';
export { InMemoryTokenStore } from './token-store.ts';
export type { StoredToken, TokenStore } from './token-store.ts';
export { budgetAwareTokenEndpoint, formTokenEndpoint } from './token-endpoint.ts';
export type { BudgetAwareTokenEndpointOptions, TokenEndpoint, TokenEndpointReply, FormTokenEndpointOptions } from './token-endpoint.ts';
