import type { MessageKey } from '../i18n.js';

export const ROLE_LABEL: Record<string, MessageKey> = {
  admin: 'role.admin',
  supervisor: 'role.supervisor',
  operator: 'role.operator',
  intern: 'role.intern',
};
