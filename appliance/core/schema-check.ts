import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Checks `value` against a TypeBox schema and returns it typed, or throws one error naming the
 * first wrong field as a dotted path (`server.port: expected integer, got "abc"`).
 * Used for config files, answers files and licence payloads: anywhere input is not an HTTP body.
 */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'SchemaError';
  }
}

export function checkSchema<T extends TSchema>(schema: T, value: unknown, root: string): Static<T> {
  const first = Value.Errors(schema, value).First();
  if (!first) return value as Static<T>;
  const path = [root, ...first.path.split('/').filter(Boolean)].filter(Boolean).join('.');
  // Secrets are never echoed back, not even in an error message.
  const secret = /password|secret|key/i.test(path);
  const got = first.value === undefined ? 'nothing' : secret ? 'a value that does not fit' : JSON.stringify(first.value)?.slice(0, 60);
  const expected = typeof first.schema.description === 'string' ? `expected ${first.schema.description}` : first.message.toLowerCase();
  throw new SchemaError(path || '(top level)', `${expected}, got ${got}`);
}
