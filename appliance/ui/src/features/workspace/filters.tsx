import { useEffect, useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { TagInput } from '../../ui/tag-input.js';
import type { UserName } from './contact.js';

export interface FilterValues {
  owner: string;
  status: string;
  tag: string | null;
}

export const NO_FILTERS: FilterValues = { owner: '', status: '', tag: null };

/** The part of the search URL the filters add (`owner=me&tag=VIP`). */
export function filterQuery(f: FilterValues): string {
  const p = new URLSearchParams();
  if (f.owner) p.set('owner', f.owner);
  if (f.status) p.set('status', f.status);
  if (f.tag) p.set('tag', f.tag);
  return p.toString();
}

/**
 * The contact list's filters: owner (anyone, me, a colleague), status, and a tag chosen with
 * suggestions and shown as a chip. Every change runs the search again; the focus stays where
 * the user put it.
 */
export function ContactFilters({ value, onChange }: { value: FilterValues; onChange: (f: FilterValues) => void }) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const [colleagues, setColleagues] = useState<UserName[]>([]);
  useEffect(() => {
    // Colleagues as owners (names from the user list every role may read).
    s.api.get<{ items: UserName[] }>('/api/v1/users').then(
      (r) => {
        const collator = new Intl.Collator(s.language.value, { sensitivity: 'base' });
        setColleagues(r.items.filter((x) => x.active && x.id !== me.id).sort((a, b) => collator.compare(a.displayName, b.displayName)));
      },
      () => undefined,
    );
  }, [me.id]);

  return (
    <fieldset class="contact-filters" data-testid="contact-filters">
      <legend>{t('filter.label')}</legend>
      <span class="field">
        <label for="filter-owner">{t('filter.owner')}</label>
        <select id="filter-owner" data-testid="filter-owner" value={value.owner} onChange={(e) => onChange({ ...value, owner: e.currentTarget.value })}>
          <option value="">{t('filter.owner.any')}</option>
          <option value="me">{t('filter.owner.me')}</option>
          {colleagues.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.displayName}
            </option>
          ))}
        </select>
      </span>
      <span class="field">
        <label for="filter-status">{t('contact.status')}</label>
        <select id="filter-status" data-testid="filter-status" value={value.status} onChange={(e) => onChange({ ...value, status: e.currentTarget.value })}>
          <option value="">{t('filter.status.any')}</option>
          <option value="lead">{t('contact.status.lead')}</option>
          <option value="client">{t('contact.status.client')}</option>
        </select>
      </span>
      <span class="field">
        <label for="filter-tag">{t('filter.tag')}</label>
        <TagInput
          id="filter-tag"
          single
          tags={value.tag ? [value.tag] : []}
          onChange={(tags) => onChange({ ...value, tag: tags[0] ?? null })}
          placeholder={t('filter.tag.hint')}
          removeLabel={(tag) => t('filter.tag.remove', { tag })}
          inputTestId="filter-tag"
          chipTestId="filter-chip"
        />
      </span>
    </fieldset>
  );
}
