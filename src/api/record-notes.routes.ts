/** Operators' notes on records: an attributed entry of its own, never the subject's statement (issue 13). */

import type { FastifyInstance } from 'fastify';
import { addRecordNote, MAX_NOTE_LENGTH } from '../services/due-process/record-notes.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { recordIdParams } from './corrections.routes.ts';
import { errorRef, errorResponses } from './schemas.ts';

const noteSchema = {
  type: 'object',
  required: ['note_id', 'record_id', 'text', 'at', 'by'],
  additionalProperties: false,
  properties: {
    note_id: { type: 'string' },
    record_id: { type: 'string' },
    text: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    by: { type: 'string', enum: ['operator'] },
  },
} as const;

export function recordNotesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/v1/records/:id/notes',
    {
      config: { roles: ['operator'] },
      schema: {
        summary:
          "The registry operator adds a note to a record: shown with it as the operator's, beside (never in) the " +
          "subject's statement; a ledger event and a notice to the subject; it changes nothing that counts",
        tags: ['records'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: { text: { type: 'string', minLength: 1, maxLength: MAX_NOTE_LENGTH, pattern: '\\S' } },
        },
        response: { 201: noteSchema, ...errorResponses, 404: errorRef },
      },
    },
    async (request, reply) => {
      const note = await addRecordNote(deps.rt, principalOf(request), request.params.id, request.body.text);
      return reply.status(201).send(note);
    },
  );
}
