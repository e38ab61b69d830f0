/**
 * The keys every error catalogue has (issue 11, "error codes carry per-language templates"): one per error code (the
 * code's own sentence, said when the thrower gave nothing more), and one per kind of problem with an input, whose
 * parameters name the field, the value and the limit.
 */

import type { ErrorCode } from '../../errors.ts';

/** The problems with an input that domain and shell checks report, each a template with parameters. */
export type ProblemKey =
  // Free text and JSON shapes (record-input.ts, text.ts); {field} is the path or the form's label for it.
  | 'required'
  | 'blank'
  | 'not_string'
  | 'too_long'
  | 'control_character'
  | 'not_unicode'
  | 'not_object'
  // Dates (record-input.ts, date-range.ts)
  | 'date_required'
  | 'date_invalid'
  | 'date_out_of_range'
  | 'date_in_future'
  | 'date_before'
  | 'date_not_after'
  // Subjects, types and attributes (record-input.ts)
  | 'subject_required'
  | 'subject_kind_invalid'
  | 'subject_kind_not_allowed'
  | 'scheme_unknown'
  | 'scheme_kind_mismatch'
  | 'type_unknown'
  | 'type_not_yet_in_force'
  | 'type_not_granted'
  | 'attributes_not_object'
  | 'attribute_unknown'
  | 'attribute_invalid'
  | 'attribute_not_in_enum'
  | 'attribute_required'
  | 'attribute_required_enum'
  // Identifiers (identifiers.ts); {scheme} is the scheme's id
  | 'identifier_empty'
  | 'identifier_too_long'
  | 'identifier_control'
  | 'rid_shape'
  | 'rid_birth_year'
  | 'rid_birth_date'
  | 'check_digit'
  | 'uscc_shape'
  | 'uscc_character'
  | 'uscc_division'
  | 'check_character'
  | 'lei_shape'
  | 'lei_check_digits'
  | 'pattern'
  // JSON Schema (Ajv) keywords, as Fastify reports a request that does not match a route's schema; the English is
  // Ajv's own sentence ({detail}), kept as API clients have always read it.
  | 'ajv_required'
  | 'ajv_min_length'
  | 'ajv_max_length'
  | 'ajv_pattern'
  | 'ajv_enum'
  | 'ajv_type'
  | 'ajv_format'
  | 'ajv_additional'
  | 'ajv_min_items'
  | 'ajv_max_items'
  | 'ajv_minimum'
  | 'ajv_maximum'
  | 'ajv_other'
  // Refusals a person meets on the portal and the consoles
  | 'reason_required'
  | 'repair_too_early'
  | 'repair_not_performed'
  | 'repair_not_negative'
  // An agency's contact (agency-contact.ts)
  | 'contact_bilingual'
  | 'phone_invalid';

/** ICU MessageFormat templates by key, one catalogue per language. */
export type ErrorMessages = Readonly<Record<ErrorCode | ProblemKey, string>>;
