/**
 * The one catalogue of coded errors. Every error a client can see has a code, an HTTP status
 * and a message key translated in core/i18n. Capabilities add their own entries through
 * `defineErrors` so that the catalogue stays one lookup table.
 */
export interface ErrorSpec {
  status: number;
  /** English text; also the fallback when a translation is missing. `{name}` placeholders. */
  message: string;
}

const catalogue = new Map<string, ErrorSpec>();

export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new TypeError(`error code ${code} is not SNAKE_CASE`);
    catalogue.set(code, spec);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return catalogue.get(code);
}

/** Every code defined so far (the locale test checks each has a message in every language). */
export function errorCodes(): string[] {
  return [...catalogue.keys()];
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly params: Record<string, string | number>;

  constructor(code: string, params: Record<string, string | number> = {}, cause?: unknown) {
    const spec = catalogue.get(code);
    if (!spec) throw new TypeError(`unknown error code ${code}`);
    super(interpolate(spec.message, params), cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    this.status = spec.status;
    this.params = params;
  }
}

export function interpolate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

export const CoreErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid: {detail}' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large (limit {limit} bytes).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This endpoint accepts {expected} only.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no {method} {url}.' },
  AUTH_REQUIRED: { status: 401, message: 'Please log in.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has ended. Please log in again.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password.' },
  ACCOUNT_DISABLED: { status: 403, message: 'This account is deactivated. Ask an administrator.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed logins. Try again in {seconds} seconds.' },
  FORBIDDEN: { status: 403, message: 'Your role may not do this.' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'The request has no valid CSRF token. Reload the page and try again.' },
  CROSS_SITE_REQUEST: { status: 403, message: 'Cross-site requests are refused.' },
  CONFLICT: { status: 409, message: '{detail}' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  SERVICE_UNAVAILABLE: { status: 503, message: '{detail}' },
  LOOKUP_LIMIT_REACHED: { status: 429, message: 'You have looked up {count} full numbers or addresses in {minutes} minutes, the most your role may. Administrators have been told; try again later.' },
  STORAGE_FULL: { status: 507, message: 'The server’s disk is full, so nothing was saved. Tell your administrator: they should free space on the data disk (or shorten retention), then try again. Reading works as before.' },
  USER_UNKNOWN: { status: 404, message: 'There is no user {username}.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server. The error was logged with id {requestId}.' },
});
