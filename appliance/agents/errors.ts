import { defineErrors } from '../core/errors.js';

export const AgentsErrors = defineErrors({
  AGENT_NOT_LOGGED_IN: { status: 409, message: 'Log in to your queues first.' },
  AGENT_NO_PHONE: { status: 409, message: 'No phone is linked to this account, so it cannot join queues. Ask an administrator to link one.' },
  AGENT_QUEUE_UNKNOWN: { status: 404, message: 'There is no queue {queue} operators may log in to.' },
  AGENT_PAUSE_REASON_UNKNOWN: { status: 400, message: 'There is no pause reason "{reason}"; pick one of: {known}.' },
  AGENT_PAUSE_REASON_TAKEN: { status: 409, message: 'The pause reason "{name}" already exists.' },
  AGENT_PAUSE_REASON_NOT_FOUND: { status: 404, message: 'There is no pause reason {id}.' },
  AGENT_NOT_FOUND: { status: 404, message: 'There is no operator {id}.' },
  AGENT_TELEPHONY_DOWN: { status: 503, message: 'The phone system did not take the change, so your state is unchanged: {reason}' },
});
