import { defineErrors } from '../core/errors.js';

export const TrunkErrors = defineErrors({
  TRUNK_INVALID: { status: 400, message: '{field}: {detail}' },
  TRUNK_DUPLICATE_DID: { status: 400, message: '{field}: {detail}' },
  TRUNK_UNKNOWN_KIND: { status: 400, message: 'Unknown trunk kind "{kind}". Known kinds: {known}.' },
  TRUNK_NAME_TAKEN: { status: 409, message: 'A trunk named {name} already exists.' },
  TRUNK_NOT_FOUND: { status: 404, message: 'There is no trunk {id}.' },
  QUEUE_NOT_FOUND: { status: 404, message: 'There is no queue {name}.' },
  QUEUE_EXISTS: { status: 409, message: 'A queue named {name} already exists.' },
  QUEUE_MEMBER_NO_PHONE: { status: 400, message: 'User {userId} has no phone, so the queue could not ring them: issue a phone first.' },
  QUEUE_IN_USE: { status: 409, message: 'Queue {name} still receives calls for {dids}: send those numbers elsewhere first.' },
  TRUNK_ASTERISK_REFUSED: { status: 409, message: 'Asterisk refused the change, so it was undone: {detail}' },
});
