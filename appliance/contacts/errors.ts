import { defineErrors } from '../core/errors.js';

export const ContactErrors = defineErrors({
  CONTACT_NOT_FOUND: { status: 404, message: 'There is no contact {id}.' },
  PHONE_INVALID: { status: 400, message: 'Phone number {position} is not a valid phone number.' },
  EMAIL_INVALID: { status: 400, message: 'E-mail address {position} is not a valid e-mail address.' },
  NAME_INVALID: { status: 400, message: 'The name must not be empty or contain control characters.' },
  NAME_TOO_LONG: { status: 400, message: 'The name is longer than {max} characters.' },
  TOO_MANY_VALUES: { status: 400, message: 'At most {max} values are allowed in {field}.' },
  TAG_INVALID: { status: 400, message: 'Tag {position} must be 1 to 50 characters without control characters.' },
  NOTE_INVALID: { status: 400, message: 'The note must not be empty.' },
  OWNER_UNKNOWN: { status: 400, message: 'The owner {id} is not an active user.' },
  MERGE_SAME_CONTACT: { status: 400, message: 'A contact cannot be merged into itself.' },
  MASKED_FIELD_READONLY: { status: 403, message: 'Your role sees masked phone numbers and e-mail addresses and may not replace them.' },
  SEARCH_CURSOR_INVALID: { status: 400, message: 'The search cursor is not one this server gave out; start the search again.' },
  CSV_EMPTY: { status: 400, message: 'The CSV file has no header row.' },
  CSV_MALFORMED: { status: 400, message: 'The CSV file is malformed at line {line}.' },
  CSV_UNKNOWN_COLUMN: { status: 400, message: 'The CSV column "{column}" is unknown. Known columns: {known}.' },
  CSV_MISSING_COLUMN: { status: 400, message: 'The CSV file has no "{column}" column.' },
  CSV_TOO_MANY_ROWS: { status: 400, message: 'The CSV file has more than {max} rows.' },
  IMPORT_KEY_REUSED: { status: 409, message: 'This Idempotency-Key was already used for a different file. Send a new key with a new file.' },
  CSV_ROWS_INVALID: { status: 400, message: '{count} row(s) have errors; nothing was imported.' },
});
