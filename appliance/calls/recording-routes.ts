import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { SessionUser } from '../core/auth/sessions.js';
import type { CallsRepository } from './repository.js';
import { Errors, IdParams } from './schemas.js';

const MIME: Record<string, string> = { ogg: 'audio/ogg', mp3: 'audio/mpeg', wav: 'audio/wav' };
const Binary = { type: 'string', format: 'binary' } as const;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → an inclusive range, or 'bad' when it cannot be served. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'bad';
  return { start, end };
}

/**
 * Streams a recording with HTTP range support (the `<audio>` element seeks with ranges). Only
 * users who may see the call get it; a listen is audited once, on the request that starts at
 * byte 0, not on every seek.
 */
export function recordingRoutes(app: FastifyInstance, repo: CallsRepository, mayHear: (viewer: SessionUser, callId: number) => boolean): void {
  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/recordings/:id/audio',
    {
      config: { access: 'user' },
      schema: { params: IdParams, response: { 200: Binary, 206: Binary, 416: Errors[400], ...Errors, 410: Errors[404] } },
    },
    async (request, reply) => {
      const { id } = request.params;
      const rec = repo.recording(id);
      if (!rec || !mayHear(request.user!, rec.callId)) throw new AppError('RECORDING_NOT_FOUND', { id });
      const file = join(app.deps.config.paths.data, rec.path);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new AppError('RECORDING_FILE_MISSING', { id });
      }
      const range = parseRange(request.headers.range, size);
      reply.header('accept-ranges', 'bytes').header('cache-control', 'private, no-store');
      if (range === 'bad') {
        reply.header('content-range', `bytes */${size}`);
        throw new AppError('RANGE_NOT_SATISFIABLE', { size });
      }
      reply.type(MIME[rec.format] ?? 'application/octet-stream');
      if (!range || range.start === 0) {
        app.deps.audit.record({ actorId: request.user!.id, action: 'recording.listen', targetType: 'recording', targetId: id, details: { callId: rec.callId } });
      }
      if (!range) {
        reply.header('content-length', size);
        return reply.code(200).send(createReadStream(file));
      }
      reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      return reply.code(206).send(createReadStream(file, { start: range.start, end: range.end }));
    },
  );
}
