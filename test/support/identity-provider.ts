/**
 * A real OpenID Connect provider for portal tests: `oidc-provider` (certified), on a local port,
 * with its development login form (any login; the password is not checked) and one client,
 * Credence. Accounts map a login to the identifier claim the provider vouches for.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const TEST_CLIENT = { id: 'credence-portal', secret: 'a-test-client-secret-of-some-length' } as const;
export const IDENTIFIER_CLAIM = 'national_id';

export interface TestIdentityProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

/** A free local port, for an app whose redirect URI must be known before it listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTestIdentityProvider(
  redirectUri: string,
  accounts: Readonly<Record<string, string>>,
): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], [IDENTIFIER_CLAIM]: [IDENTIFIER_CLAIM] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, ...(accounts[sub] ? { [IDENTIFIER_CLAIM]: accounts[sub] } : {}) }),
    }),
    pkce: { required: () => true },
    cookies: { keys: ['identity-provider-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
