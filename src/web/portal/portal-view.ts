/** What every section of the portal page is given: the subject's report, the session and the policy. */

import type { AgencyContact } from '../../domain/agency-contact.ts';
import type { Policy } from '../../domain/policy.ts';
import type { SignedInSubject } from '../../services/accounts/subject-sessions.service.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';

/** Display names the report holds only as ids. */
export interface PortalNames {
  agency(id: string | null): string;
  /** How to reach the agency, when it was registered with a contact (issue 11). */
  contact?(id: string): AgencyContact | undefined;
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
  /** What the subject typed in a refused form, shown again in it (the commitment form's text and record). */
  readonly draft?: {
    readonly commitment?: { readonly text: string; readonly record_id: string | null };
    /** A refused dispute, repair application or statement, as typed (issue 11: a refused form keeps its text). */
    readonly dispute?: { readonly record_id: string; readonly statement: string };
    readonly repair?: {
      readonly record_id: string;
      readonly evidence: string;
      readonly document_ref: string;
      readonly performed: boolean;
    };
    readonly statement?: { readonly dispute_id: string; readonly text: string };
  };
}
