import { ApiError } from '../api.js';
import type { MessageKey } from '../i18n.js';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

// DOMException names the browser throws (media devices, fetch aborts, storage…) → our text.
const DOM_ERRORS: Record<string, MessageKey> = {
  NotAllowedError: 'error.permission',
  PermissionDeniedError: 'error.permission',
  SecurityError: 'error.insecure',
  NotFoundError: 'error.deviceMissing',
  DevicesNotFoundError: 'error.deviceMissing',
  NotReadableError: 'error.deviceBusy',
  TrackStartError: 'error.deviceBusy',
  OverconstrainedError: 'error.deviceMissing',
  AbortError: 'error.aborted',
  TimeoutError: 'error.timeout',
  QuotaExceededError: 'error.storageFull',
  NotSupportedError: 'error.unsupported',
};

/**
 * Any error as a sentence in the user's language. The server's errors are already translated
 * (the API client sends Accept-Language); everything the browser throws — "Failed to fetch",
 * DOMException texts in English — is mapped to our own text, never shown raw.
 */
export function describeError(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    // A proxy or a restarting server answers without our JSON body.
    if (err.code.startsWith('HTTP_')) return err.status >= 500 ? t('error.serverUnavailable', { status: err.status }) : t('error.unexpected');
    return err.message;
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && DOM_ERRORS[name]) return t(DOM_ERRORS[name]!);
  // fetch() rejects with a TypeError when the network or the server is unreachable.
  if (err instanceof TypeError) return t('error.network');
  return t('error.unexpected');
}

/** The error's code, for tests and data attributes (`NETWORK`, `NotAllowedError`, an API code). */
export function errorCode(err: unknown): string {
  if (err instanceof ApiError) return err.code;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && DOM_ERRORS[name]) return name;
  return err instanceof TypeError ? 'NETWORK' : 'UNEXPECTED';
}
