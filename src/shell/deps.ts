/** What every route (API and pages) is given: the running registry and the shared services. */

import type { KeyCache } from '../services/accounts/key-cache.service.ts';
import type { OidcClient } from '../services/accounts/oidc-client.service.ts';
import type { LedgerFollower } from '../services/runtime/ledger-follower.ts';
import type { Runtime } from '../services/runtime/runtime.ts';
import type { Metrics } from './metrics.ts';

export interface AppDeps {
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  readonly keys: KeyCache;
  readonly metrics: Metrics;
  /** How subjects sign in to the portal: an OpenID Connect client, and whether demo mode is on. */
  readonly subjectSignIn: { readonly oidc: OidcClient | null; readonly demo: boolean };
  /** The transparency log's verifier key in signed-note form (`<origin>+<key ID>+<base64>`), served at /log/key. */
  readonly logKey: string;
  /** CREDENCE_TIME_ZONE: the IANA zone dates and times are shown in (pages and rendered notices). */
  readonly timeZone: string;
  /** CREDENCE_POLICY_CANDIDATE_DIR: the candidate policy folder the operator console simulates; null: none. */
  readonly policyCandidateDir: string | null;
}
