import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import { errorMessage } from '../core/i18n.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { ContactInput, ContactsService, PreparedContact } from './service.js';
import { ImportProgress } from './import-progress.js';
import { csvLine, parseCsv, splitMulti } from './csv.js';
import { ImportErrorResponse, ImportProgressQuery, ImportProgressView, ImportResult } from './schemas.js';
import { maskText } from '../core/masking.js';
import { bodyHash, ImportKeys } from './import-keys.js';

const MAX_ROWS = 10_000;
const CHECK_SLICE = 250;
const COLUMNS = ['name', 'kind', 'status', 'owner', 'phones', 'emails', 'tags'] as const;
type Column = (typeof COLUMNS)[number];
const EXPORT_HEADER = ['id', 'name', 'kind', 'status', 'owner', 'phones', 'emails', 'tags', 'created_at'];
// Phones are our own E.164 or mask text; a leading + there is a number, not a formula.
const EXPORT_FORMULA_SAFE = [true, true, true, true, true, false, true, true, true];

/**
 * CSV import and export. Import is all-or-nothing: every row is checked first (in slices that
 * yield to other requests; progress at `GET /api/v1/contacts/import/progress?key=`) and, if any
 * row is wrong, the answer lists each bad row with its line and reason and nothing is stored;
 * otherwise all rows go in one transaction. Export is masked for masked viewers like every
 * other response.
 */
export async function csvRoutes(app: FastifyInstance, opts: { service: ContactsService }) {
  const { service } = opts;
  const masking = app.deps.masking;
  const usernames = app.deps.db.prepare('SELECT id, username FROM users');
  const importKeys = new ImportKeys(app.deps.db);
  const progress = new ImportProgress(() => app.deps.clock.now().getTime());

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post(
    '/api/v1/contacts/import',
    {
      config: { access: ['admin', 'supervisor'] },
      bodyLimit: 5 * 1024 * 1024,
      // JSON would otherwise reach the handler as an object and fail with a vaguer message.
      preValidation: async (request) => {
        if (!/^text\/csv\b/i.test(request.headers['content-type'] ?? '')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { expected: 'text/csv' });
      },
      schema: {
        body: Type.String({ maxLength: 5 * 1024 * 1024 }),
        response: { 201: ImportResult, 400: ImportErrorResponse, '4xx': ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const body = request.body as string;
      const hash = bodyHash(body);
      const keyHeader = request.headers['idempotency-key'];
      if (keyHeader !== undefined && (typeof keyHeader !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(keyHeader))) {
        throw new AppError('VALIDATION_FAILED', { detail: 'the Idempotency-Key header must be 1 to 200 visible ASCII characters', field: 'headers.idempotency-key' });
      }
      const key = keyHeader ?? `sha256:${hash}`;
      const now = app.deps.clock.now();
      const earlier = importKeys.get(user.id, key, now);
      if (earlier) {
        if (earlier.bodyHash !== hash) throw new AppError('IMPORT_KEY_REUSED');
        return reply.code(201).send({ ...earlier.result, replayed: true });
      }
      const rows = parseCsv(body, MAX_ROWS);
      if (!rows.length) throw new AppError('CSV_EMPTY');
      const header = rows[0]!.cells.map((h) => h.trim().toLowerCase());
      for (const h of header) {
        if (!(COLUMNS as readonly string[]).includes(h)) throw new AppError('CSV_UNKNOWN_COLUMN', { column: h.slice(0, 50), known: COLUMNS.join(', ') });
      }
      if (!header.includes('name')) throw new AppError('CSV_MISSING_COLUMN', { column: 'name' });
      const index = new Map(header.map((h, i) => [h as Column, i]));
      const cell = (cells: string[], c: Column) => (index.has(c) ? (cells[index.get(c)!] ?? '') : undefined);

      const state = progress.start(user.id, key, rows.length - 1);
      if (!state) throw new AppError('IMPORT_IN_PROGRESS');
      let outcome: 'done' | 'refused' = 'refused';
      try {
        // Rows are checked and normalised once, a slice at a time, yielding to other requests
        // between slices: a 10,000-row file never holds the event loop for long.
        const prepared: PreparedContact[] = [];
        const problems: { line: number; code: string; message: string }[] = [];
        const dataRows = rows.slice(1);
        for (let start = 0; start < dataRows.length; start += CHECK_SLICE) {
          for (const { line, cells } of dataRows.slice(start, start + CHECK_SLICE)) {
            try {
              prepared.push(service.prepareInput(rowToInput(cells, cell, (name) => service.activeUserByName(name))));
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              problems.push({ line, code: err.code, message: errorMessage(request.language, err.code, err.params) });
            }
          }
          state.checked = Math.min(dataRows.length, start + CHECK_SLICE);
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (problems.length) {
          return await reply.code(400).send({
            error: { code: 'CSV_ROWS_INVALID', message: errorMessage(request.language, 'CSV_ROWS_INVALID', { count: problems.length }) },
            rows: problems,
          });
        }
        state.phase = 'storing';
        const ids = app.deps.db.transaction(() => {
          const created = service.createPrepared(prepared, user.id);
          const result = { created: created.length, ids: created };
          importKeys.save(user.id, key, hash, result, now);
          // The same file sent again without a key (a browser's retry) is the same import too.
          if (key !== `sha256:${hash}`) importKeys.save(user.id, `sha256:${hash}`, hash, result, now);
          return created;
        })();
        state.stored = ids.length;
        outcome = 'done';
        return await reply.code(201).send({ created: ids.length, ids, replayed: false });
      } finally {
        progress.finish(user.id, key, outcome);
      }
    },
  );

  app.get(
    '/api/v1/contacts/import/progress',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: { querystring: ImportProgressQuery, response: { 200: ImportProgressView, '4xx': ErrorResponse } },
    },
    async (request) => {
      const user = currentUser(request);
      const { key } = request.query as { key: string };
      const state = progress.get(user.id, key);
      if (!state) throw new AppError('IMPORT_NOT_FOUND');
      return state;
    },
  );

  app.get(
    '/api/v1/contacts/export.csv',
    { config: { access: 'user' }, schema: { response: { 200: Type.String(), '4xx': ErrorResponse } } },
    async (request, reply) => {
      const user = currentUser(request);
      const masker = masking.forViewer(user);
      const names = new Map((usernames.all() as { id: number; username: string }[]).map((u) => [u.id, u.username]));
      app.deps.audit.record({ actorId: user.id, action: 'contact.export', targetType: 'contact', details: { masked: masker.masked } });
      function* lines() {
        yield `\ufeff${csvLine(EXPORT_HEADER)}`;
        for (const c of service.all()) {
          yield csvLine(
            [
              String(c.id), maskText(c.name, masker), c.kind, c.status, c.ownerId === null ? '' : (names.get(c.ownerId) ?? ''),
              c.phones.map((p) => masker.phone(p)).join(';'), c.emails.map((e) => masker.email(e)).join(';'),
              c.tags.map((t) => maskText(t, masker)).join(';'), c.createdAt,
            ],
            EXPORT_FORMULA_SAFE,
          );
        }
      }
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="contacts.csv"');
      return reply.send(Readable.from(lines()));
    },
  );
}

function rowToInput(
  cells: string[],
  cell: (cells: string[], c: Column) => string | undefined,
  ownerByName: (name: string) => number | null,
): ContactInput {
  const kind = cell(cells, 'kind')?.trim().toLowerCase() || undefined;
  const status = cell(cells, 'status')?.trim().toLowerCase() || undefined;
  const owner = cell(cells, 'owner')?.trim() || undefined;
  if (kind !== undefined && kind !== 'person' && kind !== 'company') throw new AppError('VALIDATION_FAILED', { detail: 'kind must be person or company' });
  if (status !== undefined && status !== 'lead' && status !== 'client') throw new AppError('VALIDATION_FAILED', { detail: 'status must be lead or client' });
  const name = cell(cells, 'name') ?? '';
  let ownerId: number | null = null;
  if (owner !== undefined) {
    ownerId = ownerByName(owner);
    if (ownerId === null) throw new AppError('OWNER_UNKNOWN', { id: owner.slice(0, 50) });
  }
  return {
    name,
    kind,
    status,
    ownerId,
    phones: splitMulti(cell(cells, 'phones')),
    emails: splitMulti(cell(cells, 'emails')),
    tags: splitMulti(cell(cells, 'tags')),
  };
}
