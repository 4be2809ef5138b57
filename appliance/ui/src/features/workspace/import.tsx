import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { session, useT } from '../../app/session.js';
import { describeError } from '../../ui/errors.js';

interface RowProblem {
  line: number;
  message: string;
}

type Result =
  | { kind: 'idle' }
  | { kind: 'progress'; text: string }
  | { kind: 'done'; count: number }
  | { kind: 'failed'; message: string; rows: RowProblem[] };

/**
 * CSV import for admins and supervisors. The server checks every row first and stores all or
 * nothing; on refusal it lists each bad line, shown here as the server wrote it. While a large
 * file is checked, its progress is shown.
 */
export function ImportContacts() {
  const s = session();
  const t = useT();
  const file = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<Result>({ kind: 'idle' });
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    // The key makes a retry the same import and names it for the progress the server reports meanwhile.
    const key = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let finished = false;
    const follow = async () => {
      while (!finished && alive.current) {
        await new Promise((r) => setTimeout(r, 500));
        if (finished) return;
        try {
          const p = await s.api.get<{ phase: string; rows: number; checked: number }>(`/api/v1/contacts/import/progress?key=${encodeURIComponent(key)}`);
          if (finished) return;
          setResult({ kind: 'progress', text: p.phase === 'storing' ? t('import.storing', { rows: p.rows }) : t('import.progress', { checked: p.checked, rows: p.rows }) });
        } catch {
          // Not started yet, or already answered: the import's own answer follows.
        }
      }
    };
    setResult({ kind: 'progress', text: t('import.progress', { checked: 0, rows: '…' }) });
    void follow();
    try {
      const done = await s.api.postText<{ created: number }>('/api/v1/contacts/import', await chosen.text(), 'text/csv', { 'idempotency-key': key });
      finished = true;
      setResult({ kind: 'done', count: done.created });
    } catch (err) {
      finished = true;
      const rows = err instanceof ApiError ? ((err.body as { rows?: RowProblem[] } | null)?.rows ?? []) : [];
      setResult({ kind: 'failed', message: describeError(err, t), rows });
    }
  };

  return (
    <details class="import-contacts">
      <summary>{t('import.title')}</summary>
      <form data-testid="import-form" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="import-file">{t('import.file')}</label>
          <input id="import-file" ref={file} type="file" accept=".csv,text/csv" />
        </div>
        <button type="submit">{t('import.submit')}</button>
        <div role="status" data-testid="import-result">
          {result.kind === 'progress' && (
            <p class="muted" data-testid="import-progress">
              {result.text}
            </p>
          )}
          {result.kind === 'done' && <p class="muted">{t('import.done', { count: result.count })}</p>}
          {result.kind === 'failed' && <p class="error">{result.message}</p>}
          {result.kind === 'failed' && result.rows.length > 0 && (
            <ul class="error">
              {result.rows.slice(0, 50).map((r) => (
                <li key={r.line}>{t('import.line', { line: r.line, message: r.message })}</li>
              ))}
            </ul>
          )}
        </div>
      </form>
    </details>
  );
}
