/**
 * How to reach an agency, as it was registered (issue 11): what to do or where to go in each language (its office,
 * its hours), and optionally a telephone number and an address in each language. Shown with the exit route of every
 * list and record the agency's records put a person on.
 */

import type { LocalText } from './local-text.ts';

export interface AgencyContact extends LocalText {
  readonly phone?: string;
  readonly address?: LocalText;
}
