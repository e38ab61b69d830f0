/**
 * Bulk uploads from the agency console. The file is streamed from the multipart body into the
 * import service in batches (never held whole), with the clerk's agency as filer:
 * - POST /agency/imports: the plain form (csrf field, then the file); answers when the import ends.
 * - POST /agency/imports/reservations + POST /agency/imports/:id/file: what the page's script
 *   does, so it knows the upload's id and can poll its counts while the file is still sent.
 * - GET /agency/imports/:id, …/status.json, …/rejects.ndjson: the uploading agency's only.
 * The CSRF token must come before the file (a field, or the x-csrf-token header): it is
 * checked before a byte of the file is read, so a forged upload files nothing.
 */

import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import {
  importReserved,
  importUpload,
  readImport,
  readRejects,
  reserveImport,
  WEB_IMPORT_BATCH_SIZE,
  type ImportRow,
  type UploadedFile,
  type Uploader,
} from '../../services/records/agency-imports.service.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { uploadPage, type UploadLimits } from './agency-upload.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { clerkOf, csrf, page, uuidParams, type Clerk } from './agency-clerk.ts';

const SCRIPT = new URL('./agency-upload.js', import.meta.url);

const uploaderOf = (clerk: Clerk): Uploader => ({
  agency_id: clerk.principal.agency_id!,
  agency_kind: clerk.agencyKind,
  staff_id: clerk.staff.id,
});

/** What the page and the script are told about an upload. */
function statusOf(row: ImportRow) {
  const {
    id,
    file_name,
    status,
    bytes,
    lines,
    created,
    duplicate,
    rejected,
    error_code,
    error_message,
    started_at,
    finished_at,
  } = row;
  return {
    id,
    file_name,
    status,
    bytes,
    lines,
    created,
    duplicate,
    rejected,
    error_code,
    error_message,
    started_at,
    finished_at,
    page: `/agency/imports/${id}`,
  };
}

export async function agencyImportsRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const maxBytes = scope.initialConfig.bodyLimit ?? 32 * 1024 * 1024;
  await scope.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5 } });
  uploadRoutes(scope, deps, maxBytes);
  uploadStatusRoutes(scope, deps, { maxBytes, batchSize: WEB_IMPORT_BATCH_SIZE });
  scriptRoute(scope);
}

/** The clerk, once the CSRF token (a first `csrf` field or the header) is checked, and the file part after it. */
async function readUpload(
  request: FastifyRequest,
  deps: AppDeps,
  maxBytes: number,
): Promise<{ clerk: Clerk; file: UploadedFile }> {
  const parts = request.parts()[Symbol.asyncIterator]();
  let part = (await parts.next()).value;
  if (part?.type === 'field' && part.fieldname === 'csrf') {
    request.body = { csrf: part.value }; // what requireStaff compares with the session's token
    part = (await parts.next()).value;
  }
  const clerk = await clerkOf(request, deps);
  if (part?.type !== 'file' || part.fieldname !== 'file' || part.filename === '')
    throw new CredenceError('CRD_IMPORT_FILE', 'choose a file to upload (the form field "file", after "csrf")');
  const stream = part.file;
  // Past the limit busboy ends the stream early (truncated); a cut connection destroys it.
  const endedEarly = () =>
    stream.truncated
      ? new CredenceError(
          'CRD_PAYLOAD_TOO_LARGE',
          `the file is larger than ${maxBytes} bytes: the lines before the limit were filed; ` +
            'split the file and upload the rest',
        )
      : stream.errored
        ? new CredenceError(
            'CRD_IMPORT_FILE',
            'the upload was cut off: the batches before it are filed; upload the file again to file the rest',
          )
        : undefined;
  return { clerk, file: { name: part.filename, source: stream, endedEarly } };
}

function uploadRoutes(scope: FastifyInstance, deps: AppDeps, maxBytes: number): void {
  scope.post('/agency/imports', page, async (request, reply) => {
    const { clerk, file } = await readUpload(request, deps, maxBytes);
    const row = await importUpload(deps.rt, uploaderOf(clerk), file);
    return noStore(reply).redirect(`/agency/imports/${row.id}`, 303);
  });

  scope.post<{ Body: { csrf?: string; file_name: string } }>(
    '/agency/imports/reservations',
    {
      ...page,
      schema: {
        hide: true,
        body: {
          type: 'object',
          required: ['file_name'],
          additionalProperties: false,
          properties: { csrf, file_name: { type: 'string', maxLength: 255 } },
        },
      },
    },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const row = await reserveImport(deps.rt, uploaderOf(clerk), request.body.file_name);
      return noStore(reply).status(201).send(statusOf(row));
    },
  );

  scope.post<{ Params: { id: string } }>(
    '/agency/imports/:id/file',
    { ...page, schema: { hide: true, params: uuidParams } },
    async (request, reply) => {
      const { clerk, file } = await readUpload(request, deps, maxBytes);
      const row = await importReserved(deps.rt, uploaderOf(clerk), request.params.id, file);
      return noStore(reply).send(statusOf(row));
    },
  );
}

function uploadStatusRoutes(scope: FastifyInstance, deps: AppDeps, limits: UploadLimits): void {
  const byId = { ...page, schema: { hide: true, params: uuidParams } };
  scope.get<{ Params: { id: string } }>('/agency/imports/:id', byId, async (request, reply) => {
    const clerk = await clerkOf(request, deps);
    const row = await readImport(deps.rt, clerk.principal.agency_id!, request.params.id);
    return sendPage(reply, uploadPage(pageContext(request, reply), row, limits), { signedIn: true });
  });

  scope.get<{ Params: { id: string } }>('/agency/imports/:id/status.json', byId, async (request, reply) => {
    const clerk = await clerkOf(request, deps);
    return noStore(reply).send(statusOf(await readImport(deps.rt, clerk.principal.agency_id!, request.params.id)));
  });

  scope.get<{ Params: { id: string } }>('/agency/imports/:id/rejects.ndjson', byId, async (request, reply) => {
    const clerk = await clerkOf(request, deps);
    const { upload, lines } = await readRejects(deps.rt, clerk.principal.agency_id!, request.params.id);
    const name = `${upload.file_name.replace(/[^\w.-]+/g, '_')}.rejects.ndjson`;
    return noStore(reply)
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(Readable.from(lines));
  });
}

// The console's only script: external (pages have no inline scripts), public like the other assets.
function scriptRoute(scope: FastifyInstance): void {
  scope.get('/assets/agency-upload.js', page, async (_request, reply) => {
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(await readFile(SCRIPT));
  });
}
