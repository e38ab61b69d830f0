/** What every repository function runs its SQL on: the database, or a transaction already open. */

import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
