import { h, replace } from '../dom.js';
import { ApiError } from '../api.js';
import type { Ctx } from '../context.js';

interface RowProblem {
  line: number;
  message: string;
}

/**
 * CSV import for admins and supervisors. The server checks every row first and stores all or
 * nothing; on refusal it lists each bad line, shown here as the server wrote it.
 */
export function importContacts(ctx: Ctx): HTMLElement {
  const { t, api } = ctx;
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv' });
  const result = h('div', { role: 'status', 'data-testid': 'import-result' });
  const form = h(
    'form',
    { 'data-testid': 'import-form' },
    h('div', { class: 'field' }, h('label', { for: file.id }, t('import.file')), file),
    h('button', { type: 'submit' }, t('import.submit')),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const done = await api.postText<{ created: number }>('/api/v1/contacts/import', await chosen.text(), 'text/csv');
      replace(result, h('p', { class: 'muted' }, t('import.done', { count: done.created })));
    } catch (err) {
      const rows = err instanceof ApiError ? ((err.body as { rows?: RowProblem[] } | null)?.rows ?? []) : [];
      replace(
        result,
        h('p', { class: 'error' }, err instanceof Error ? err.message : t('error.network')),
        rows.length ? h('ul', { class: 'error' }, ...rows.slice(0, 50).map((r) => h('li', {}, t('import.line', { line: r.line, message: r.message })))) : null,
      );
    }
  });
  return h('details', { class: 'import-contacts' }, h('summary', {}, t('import.title')), form);
}
