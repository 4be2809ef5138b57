import { h, replace } from '../dom.js';
import { ApiError } from '../api.js';
import type { Ctx } from '../context.js';

interface RowProblem {
  line: number;
  message: string;
}

/**
 * CSV import for admins and supervisors. The server checks every row first and stores all or
 * nothing; on refusal it lists each bad line, shown here as the server wrote it. While a large
 * file is checked, its progress is shown.
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
    // The key makes a retry the same import and names it for the progress the server reports meanwhile.
    const key = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let finished = false;
    const follow = async () => {
      while (!finished) {
        await new Promise((r) => setTimeout(r, 500));
        if (finished) return;
        try {
          const p = await api.get<{ phase: string; rows: number; checked: number }>(`/api/v1/contacts/import/progress?key=${encodeURIComponent(key)}`);
          if (finished) return;
          const line = p.phase === 'storing' ? t('import.storing', { rows: p.rows }) : t('import.progress', { checked: p.checked, rows: p.rows });
          replace(result, h('p', { class: 'muted', 'data-testid': 'import-progress' }, line));
        } catch {
          // Not started yet, or already answered: the import's own answer follows.
        }
      }
    };
    replace(result, h('p', { class: 'muted' }, t('import.progress', { checked: 0, rows: '…' })));
    void follow();
    try {
      const done = await api.postText<{ created: number }>('/api/v1/contacts/import', await chosen.text(), 'text/csv', { 'idempotency-key': key });
      finished = true;
      replace(result, h('p', { class: 'muted' }, t('import.done', { count: done.created })));
    } catch (err) {
      finished = true;
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
