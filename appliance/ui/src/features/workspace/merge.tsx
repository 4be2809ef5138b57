import { useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { describeError } from '../../ui/errors.js';
import type { Contact } from './contact.js';

/**
 * Merging a duplicate into the open contact: find it by name or number, pick it, and the server
 * moves its phones, e-mails, tags, notes and history over in one transaction.
 */
export function MergeContact({ target, onMerged }: { target: Contact; onMerged: () => void }) {
  const s = session();
  const t = useT();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const id = `merge-q-${target.id}`;

  const search = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const list = await s.api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(q.trim())}&limit=20`);
      setFound(list.items.filter((c) => c.id !== target.id));
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const merge = async (other: Contact) => {
    try {
      await s.api.post(`/api/v1/contacts/${target.id}/merge`, { otherId: other.id });
      onMerged();
    } catch (err) {
      setError(describeError(err, t));
    }
  };

  return (
    <details class="merge" data-testid="merge">
      <summary>{t('merge.title')}</summary>
      <form onSubmit={(e) => void search(e)}>
        <div class="field">
          <label for={id}>{t('merge.search')}</label>
          <input id={id} type="search" maxLength={200} autocomplete="off" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <button type="submit">{t('search.submit')}</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="results" data-testid="merge-candidates">
        {found.map((c) => (
          <li key={c.id}>
            <button type="button" onClick={() => void merge(c)}>
              {t('merge.into', { name: c.name })}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
