/** What every section of the portal page is given: the subject's report, the session and the policy. */

import type { Policy } from '../../domain/policy.ts';
import type { SignedInSubject } from '../../services/accounts/subject-sessions.service.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';

/** Display names the report holds only as ids. */
export interface PortalNames {
  agency(id: string | null): string;
}

/** The log's origin and verifier key, and the witnesses' keys with how many of them must cosign. */
export interface PortalLogKeys {
  readonly origin: string;
  readonly key: string;
  readonly witnessKeys: readonly string[];
  readonly quorum: number;
}

export interface PortalView {
  readonly report: SubjectReport;
  readonly subject: SignedInSubject;
  readonly policy: Policy;
  readonly names: PortalNames;
  /** What the in-browser check of the file against the public log checks with. */
  readonly log: PortalLogKeys;
  readonly flash?: { readonly kind: 'success' | 'error'; readonly text: string };
}
