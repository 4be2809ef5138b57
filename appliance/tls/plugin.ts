import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { caInstructionsPage } from './instructions.js';

/**
 * `GET /ca.crt` (the local CA certificate the installer made) and `GET /ca` (a short page on
 * installing it on Windows, macOS and Linux so Chrome trusts the server and allows the
 * microphone). Both are public: an operator needs them before they can log in safely.
 */
export const tlsPlugin = fp(
  async function tls(app: FastifyInstance) {
    const caFile = app.deps.config.server.tls?.ca ?? null;
    const readCa = () => {
      if (!caFile) return null;
      try {
        return readFileSync(caFile);
      } catch {
        return null;
      }
    };

    app.get('/ca.crt', { config: { access: 'public' } }, async (_request, reply) => {
      const pem = readCa();
      if (!pem) return reply.code(404).type('text/plain; charset=utf-8').send('This server uses a certificate from your own authority; there is nothing to install.\n');
      return reply
        .type('application/x-x509-ca-cert')
        .header('content-disposition', 'attachment; filename="contactbox-ca.crt"')
        .send(pem);
    });

    app.get('/ca', { config: { access: 'public' } }, async (request, reply) => {
      const names = app.deps.config.server.publicNames;
      return reply.type('text/html; charset=utf-8').send(caInstructionsPage(request.language, Boolean(readCa()), names));
    });
  },
  { name: 'tls', dependencies: ['auth'] },
);
