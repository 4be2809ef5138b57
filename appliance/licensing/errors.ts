import { defineErrors } from '../core/errors.js';

/**
 * Licensing's error codes. The seven LICENSE_* rejection codes name exactly why a licence file
 * is refused (upload, CLI, or the installed file at start); the others are what a user meets
 * when a limit is reached. Translations: messages.ts.
 */
export const LicensingErrors = defineErrors({
  LICENSE_MALFORMED: { status: 422, message: 'The licence file is damaged or is not a contactbox licence: {detail}.' },
  LICENSE_BAD_SIGNATURE: { status: 422, message: 'The licence signature is not valid: {detail}. Use the file exactly as the vendor sent it.' },
  LICENSE_WRONG_SERVER: { status: 422, message: 'This licence was issued for another server: {detail}. Send this server’s request code to your vendor.' },
  LICENSE_EXPIRED: { status: 422, message: 'The licence has expired: {detail}. Ask your vendor for a renewal.' },
  LICENSE_NOT_YET_VALID: { status: 422, message: 'The licence is dated in the future: {detail}. Check the server’s clock.' },
  LICENSE_WRONG_PRODUCT: { status: 422, message: 'The licence does not cover this product or version: {detail}.' },
  LICENSE_CLOCK_ROLLBACK: { status: 422, message: 'The server clock was turned back: {detail}.' },
  LICENSE_SESSIONS_EXHAUSTED: {
    status: 409,
    message: 'All {sessions} licensed sessions are in use. Try again when a call or chat ends, or ask the administrator about more sessions.',
  },
  LICENSE_MODULE_NOT_LICENSED: { status: 403, message: 'The {module} module is not included in this licence.' },
  LICENSE_EVALUATION_ENDED: {
    status: 403,
    message: 'The {days}-day evaluation ended on {date}. An administrator must activate a licence (contactbox license request).',
  },
  LICENSE_NOT_ACTIVE: { status: 403, message: 'No valid licence is in force ({reason}). An administrator must activate a valid licence.' },
  LICENSE_SITES_EXHAUSTED: { status: 409, message: 'The licence allows {sites} chat sites and all of them are in use.' },
  LICENSE_NOT_SAVED: {
    status: 500,
    message: 'The licence is valid but could not be saved on the server ({reason}). Run "contactbox license activate FILE" on the server as root.',
  },
});
