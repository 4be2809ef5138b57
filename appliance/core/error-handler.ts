import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import { errorMessage } from './i18n.js';
import { isDiskFull } from './storage-state.js';

/**
 * One error handler for the whole app. Client mistakes become `{error:{code,message}}` with a
 * 4xx and a message in the caller's language; anything unexpected is logged with its stack
 * and answered with a 500 that names only the request id.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    const language = request.language ?? 'en';
    const send = (status: number, code: string, params: Record<string, string | number> = {}, field?: string) =>
      reply.code(status).type('application/json').send({ error: { code, message: errorMessage(language, code, params), ...(field ? { field } : {}) } });

    // A full disk is not a bug: the write is refused whole (SQLite rolls the transaction back),
    // the caller is told what to do in their language, reads go on, and admins see a warning.
    if (isDiskFull(err)) {
      request.server.deps?.storage.refusedWrite();
      request.log.error({ err }, 'write refused: the disk is full');
      return send(507, 'STORAGE_FULL');
    }
    if (err instanceof AppError) {
      if (err.status >= 500) request.log.error({ err }, 'server error');
      // An error about one input field names it (`{ error: { code, message, field } }`).
      return send(err.status, err.code, err.params, typeof err.params.field === 'string' ? err.params.field : undefined);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const path = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : (first?.params as { missingProperty?: string })?.missingProperty ?? '';
      const where = fe.validationContext ?? 'body';
      const field = path ? `${where}.${path}` : where;
      return send(400, 'VALIDATION_FAILED', { detail: `${field} ${first?.message ?? 'is invalid'}` }, field);
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, 'BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 0 });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(415, 'UNSUPPORTED_MEDIA_TYPE', { expected: 'application/json' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, 'MALFORMED_JSON');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(400, 'VALIDATION_FAILED', { detail: 'the Content-Length header does not match the body' });
    }
    if (err instanceof SyntaxError && fe.statusCode === 400) return send(400, 'MALFORMED_JSON');
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(fe.statusCode, 'VALIDATION_FAILED', { detail: fe.message });
    }
    request.log.error({ err }, 'unhandled error');
    return send(500, 'INTERNAL', { requestId: request.id });
  });

  // The condition ends with the first state-changing request that succeeds again.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) request.server.deps?.storage.wroteOk();
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: { code: 'ROUTE_NOT_FOUND', message: errorMessage(request.language ?? 'en', 'ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0]! }) },
    });
  });
}
