/** Column types shared by the schema files. */

import type { ColumnType } from 'kysely';

/** A timestamptz: read as a Date, written as a Date or an ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A json/jsonb column: read parsed, written as JSON text. */
export type Json<T> = ColumnType<T, string, string>;
