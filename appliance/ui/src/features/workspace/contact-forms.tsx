import { useRef, useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { describeError } from '../../ui/errors.js';
import { TagInput, withPending } from '../../ui/tag-input.js';
import { findDuplicates, splitList, type Contact, type UserName } from './contact.js';

/**
 * Before a phone or e-mail that another contact already has is saved, the operator sees that
 * contact (and may open it); saving again with the same values goes ahead. The check is advice:
 * if it cannot run, the save itself still reports its errors.
 */
function useDuplicateCheck(exceptId: number | null) {
  const s = session();
  const [found, setFound] = useState<Contact[]>([]);
  const confirmed = useRef<string | null>(null);
  return {
    found,
    /** True when the save may go ahead now. */
    async check(values: string[]): Promise<boolean> {
      const fingerprint = values.join('\n');
      if (!values.length || confirmed.current === fingerprint) return true;
      try {
        const same = await findDuplicates(s.api, values, exceptId);
        if (same.length) {
          confirmed.current = fingerprint;
          setFound(same);
          return false;
        }
      } catch {
        /* advice only */
      }
      return true;
    },
    reset() {
      confirmed.current = null;
      setFound([]);
    },
  };
}

function DuplicateWarning({ found, onOpen, confirm }: { found: Contact[]; onOpen: (id: number) => void; confirm: string }) {
  const t = useT();
  if (!found.length) return null;
  return (
    <div class="notice-box" role="alert" data-testid="duplicate-warning">
      <p>{t('contact.duplicate', { count: found.length })}</p>
      <ul>
        {found.map((c) => (
          <li key={c.id}>
            <button type="button" class="link" data-testid="duplicate-open" onClick={() => onOpen(c.id)}>
              {c.name}
            </button>
          </li>
        ))}
      </ul>
      <p class="muted">{confirm}</p>
    </div>
  );
}

const openContact = (id: number) => session().navigate(`/workspace/contacts/${id}`);

/**
 * The "new contact" form in the workspace (a caller who is not in the book yet). The server
 * normalises and checks every value; its error names the field that is wrong.
 */
export function NewContact({ onCreated }: { onCreated: (id: number) => void }) {
  const s = session();
  const t = useT();
  const [name, setName] = useState('');
  const [phones, setPhones] = useState('');
  const [emails, setEmails] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [status, setStatus] = useState<'lead' | 'client'>('lead');
  const [error, setError] = useState<string | null>(null);
  const tagField = useRef<HTMLInputElement>(null);
  // A new round after each save empties the tag field's half-typed text too.
  const [round, setRound] = useState(0);
  const duplicates = useDuplicateCheck(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const allTags = withPending(tags, tagField.current);
    if (!(await duplicates.check([...splitList(phones), ...splitList(emails)]))) return;
    try {
      const created = await s.api.post<{ id: number }>('/api/v1/contacts', { name: name.trim(), phones: splitList(phones), emails: splitList(emails), tags: allTags, status });
      setName('');
      setPhones('');
      setEmails('');
      setTags([]);
      setStatus('lead');
      setRound((r) => r + 1);
      duplicates.reset();
      onCreated(created.id);
    } catch (err) {
      setTags(allTags);
      setError(describeError(err, t));
    }
  };

  return (
    <details class="new-contact">
      <summary>{t('contact.new')}</summary>
      <form data-testid="new-contact" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="nc-name">{t('contact.name')}</label>
          <input id="nc-name" required maxLength={200} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="nc-phones">{t('contact.phones')}</label>
          <input id="nc-phones" type="tel" maxLength={400} autocomplete="off" aria-describedby="nc-hint" value={phones} onInput={(e) => setPhones(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="nc-emails">{t('contact.emails')}</label>
          <input id="nc-emails" maxLength={1000} autocomplete="off" aria-describedby="nc-hint" value={emails} onInput={(e) => setEmails(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="nc-tags">{t('contact.tags')}</label>
          <TagInput key={round} id="nc-tags" tags={tags} onChange={setTags} inputRef={tagField} />
        </div>
        <p id="nc-hint" class="muted">
          {t('contact.listHint')}
        </p>
        <div class="field">
          <label for="nc-status">{t('contact.status')}</label>
          <select id="nc-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as 'lead' | 'client')}>
            <option value="lead">{t('contact.status.lead')}</option>
            <option value="client">{t('contact.status.client')}</option>
          </select>
        </div>
        {error && (
          <p class="error" role="alert" data-testid="new-contact-error">
            {error}
          </p>
        )}
        <DuplicateWarning found={duplicates.found} onOpen={openContact} confirm={t('contact.duplicateConfirm')} />
        <button type="submit" class="primary">
          {t('contact.create')}
        </button>
      </form>
    </details>
  );
}

const same = (a: readonly string[], b: readonly string[]) => a.join('\u0000') === b.join('\u0000');

/**
 * Editing the open contact: name, status, owner, tags, and — for viewers who see them unmasked —
 * phones and e-mails (a masked viewer may not replace values they cannot see; the server says so
 * too). Only changed fields are sent; a phone or e-mail that another contact has is warned about.
 */
export function EditContact({ contact, users, onSaved }: { contact: Contact; users: UserName[]; onSaved: () => void }) {
  const s = session();
  const t = useT();
  const p = `ec-${contact.id}`;
  const [name, setName] = useState(contact.name);
  const [status, setStatus] = useState(contact.status);
  const [owner, setOwner] = useState(contact.ownerId === null ? '' : String(contact.ownerId));
  const [tags, setTags] = useState<string[]>(contact.tags);
  const [phones, setPhones] = useState(contact.phones.join(', '));
  const [emails, setEmails] = useState(contact.emails.join(', '));
  const [error, setError] = useState<string | null>(null);
  const tagField = useRef<HTMLInputElement>(null);
  const duplicates = useDuplicateCheck(contact.id);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const patch: Record<string, unknown> = {};
    if (name.trim() !== contact.name) patch.name = name.trim();
    if (status !== contact.status) patch.status = status;
    const ownerId = owner ? Number(owner) : null;
    if (ownerId !== contact.ownerId) patch.ownerId = ownerId;
    const allTags = withPending(tags, tagField.current);
    if (!same(allTags, contact.tags)) patch.tags = allTags;
    if (!contact.masked && !same(splitList(phones), contact.phones)) patch.phones = splitList(phones);
    if (!contact.masked && !same(splitList(emails), contact.emails)) patch.emails = splitList(emails);
    if (Object.keys(patch).length === 0) return;
    // Only values this contact did not have already are checked against the others.
    const added = [...splitList(phones).filter((v) => !contact.phones.includes(v)), ...splitList(emails).filter((v) => !contact.emails.includes(v))];
    if (!contact.masked && !(await duplicates.check(added))) return;
    try {
      await s.api.patch(`/api/v1/contacts/${contact.id}`, patch);
      onSaved();
    } catch (err) {
      setTags(allTags);
      setError(describeError(err, t));
    }
  };

  return (
    <details class="edit-contact">
      <summary>{t('contact.edit')}</summary>
      <form data-testid="edit-contact" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for={`${p}-name`}>{t('contact.name')}</label>
          <input id={`${p}-name`} value={name} maxLength={200} required onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${p}-status`}>{t('contact.status')}</label>
          <select id={`${p}-status`} value={status} onChange={(e) => setStatus(e.currentTarget.value as Contact['status'])}>
            <option value="lead">{t('contact.status.lead')}</option>
            <option value="client">{t('contact.status.client')}</option>
          </select>
        </div>
        <div class="field">
          <label for={`${p}-owner`}>{t('contact.owner')}</label>
          <select id={`${p}-owner`} value={owner} onChange={(e) => setOwner(e.currentTarget.value)}>
            <option value="">{t('contact.ownerNone')}</option>
            {users
              .filter((u) => u.active || u.id === contact.ownerId)
              .map((u) => (
                <option key={u.id} value={String(u.id)}>
                  {u.displayName}
                </option>
              ))}
          </select>
        </div>
        <div class="field">
          <label for={`${p}-tags`}>{t('contact.tags')}</label>
          <TagInput id={`${p}-tags`} tags={tags} onChange={setTags} inputRef={tagField} />
        </div>
        {!contact.masked && (
          <div class="field">
            <label for={`${p}-phones`}>{t('contact.phones')}</label>
            <input id={`${p}-phones`} type="tel" value={phones} maxLength={1000} onInput={(e) => setPhones(e.currentTarget.value)} />
          </div>
        )}
        {!contact.masked && (
          <div class="field">
            <label for={`${p}-emails`}>{t('contact.emails')}</label>
            <input id={`${p}-emails`} value={emails} maxLength={5000} onInput={(e) => setEmails(e.currentTarget.value)} />
          </div>
        )}
        <p class="muted">{t('contact.listHint')}</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <DuplicateWarning found={duplicates.found} onOpen={openContact} confirm={t('contact.duplicateSave')} />
        <button type="submit" class="primary">
          {t('common.save')}
        </button>
      </form>
    </details>
  );
}
