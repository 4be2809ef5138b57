import { defineErrors } from '../core/errors.js';

export const UserErrors = defineErrors({
  USER_NOT_FOUND: { status: 404, message: 'There is no user {id}.' },
  USERNAME_TAKEN: { status: 409, message: 'The username {username} is already taken.' },
  USERNAME_INVALID: { status: 400, message: 'A username is 1 to 64 letters, digits, dots, dashes or underscores.' },
  DISPLAY_NAME_INVALID: { status: 400, message: 'The display name must not be empty or contain control characters.' },
  PASSWORD_TOO_SHORT: { status: 400, message: 'The password must be at least {min} characters long.' },
  PASSWORD_TOO_SIMPLE: { status: 400, message: 'The password is too easy to guess: use at least {distinct} different characters and avoid common passwords.' },
  PASSWORD_CONTAINS_USERNAME: { status: 400, message: 'The password must not contain the username.' },
  LANGUAGE_UNSUPPORTED: { status: 400, message: 'The language "{language}" is not supported. Supported: {supported}.' },
  TEAM_UNKNOWN: { status: 400, message: 'There is no team {id}.' },
  TEAM_NOT_FOUND: { status: 404, message: 'There is no team {id}.' },
  TEAM_NAME_TAKEN: { status: 409, message: 'A team named {name} already exists.' },
  TEAM_NAME_INVALID: { status: 400, message: 'The team name must not be empty or contain control characters.' },
  TEAM_IN_USE: { status: 409, message: 'The team {id} is still used (mailboxes, routes); reassign those first.' },
  MEMBER_UNKNOWN: { status: 400, message: 'User {id} does not exist or is deactivated.' },
  CANNOT_DEACTIVATE_SELF: { status: 400, message: 'You cannot deactivate your own account.' },
  LAST_ADMIN: { status: 409, message: 'This is the last active administrator; make someone else an administrator first.' },
  HANDOVER_INVALID: { status: 400, message: 'Contacts can only be handed to another active user.' },
  USER_ALREADY_INACTIVE: { status: 409, message: 'The user {id} is already deactivated.' },
  USER_ALREADY_ACTIVE: { status: 409, message: 'The user {id} is already active.' },
  MASKING_ROLE_INVALID: { status: 400, message: 'Administrators cannot be masked: someone must be able to see and correct real numbers.' },
});
