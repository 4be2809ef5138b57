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
  const got = first.value === undefined ? 'nothing' : JSON.stringify(first.value)?.slice(0, 60);
  throw new SchemaError(path || '(top level)', `${first.message.toLowerCase()}, got ${got}`);
}
