import { useEffect, useRef, useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import type { PageProps } from '../../app/routes.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import { phonePanel, type PhoneHandle } from '../../softphone/panel.js';
import { callBoard } from '../../views/call-board.js';
import type { Contact } from './contact.js';
import { ContactCard } from './contact-card.js';
import { NewContact } from './contact-forms.js';
import { ImportContacts } from './import.js';
import { ContactFilters, NO_FILTERS, filterQuery, type FilterValues } from './filters.js';

type Search = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; items: Contact[] } | { status: 'error'; error: unknown };

/**
 * The operator workspace: queue/status bar, contact search with filters, the open contact with
 * its timeline, the softphone and the incoming-call card. A contact id in the URL
 * (/workspace/contacts/42) opens that contact, so the browser's back button and bookmarks work.
 */
export function WorkspacePage({ query }: PageProps) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const match = /^\/workspace\/contacts\/(\d+)$/.exec(s.path);
  const openId = match ? Number(match[1]) : null;
  const [q, setQ] = useState(query.get('q') ?? '');
  const [filters, setFilters] = useState<FilterValues>(NO_FILTERS);
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const seq = useRef(0);
  const phone = useRef<PhoneHandle | null>(null);
  const statusSlot = useRef<HTMLDivElement>(null);
  const sideSlot = useRef<HTMLElement>(null);

  const openContact = (id: number) => {
    if (s.path !== `/workspace/contacts/${id}`) s.navigate(`/workspace/contacts/${id}`);
  };

  const runSearch = async (text: string, narrow: FilterValues) => {
    const mine = ++seq.current;
    // The previous query's rows never stay under a new query.
    setSearch({ status: 'loading' });
    try {
      const extra = filterQuery(narrow);
      const found = await s.api.get<{ items: Contact[] }>(`/api/v1/contacts?q=${encodeURIComponent(text.trim())}&limit=50${extra ? `&${extra}` : ''}`);
      if (mine !== seq.current) return;
      // In the user's alphabet: Ukrainian "Є", "І", "Ї", "Ґ" sort where a Ukrainian reader expects them.
      const collator = new Intl.Collator(s.language.value, { sensitivity: 'base', numeric: true });
      const items = [...found.items].sort((a, b) => collator.compare(a.name, b.name));
      setSearch({ status: 'ready', items });
      if (items.length === 1 && text.trim()) openContact(items[0]!.id);
    } catch (error) {
      if (mine === seq.current) setSearch({ status: 'error', error });
    }
  };

  // The phone panel, the status bar and the incoming-call card (still built with h()), rebuilt
  // when the language changes; the Softphone behind them lives as long as the login.
  const language = s.language.value;
  useEffect(() => {
    const ctx = s.legacyCtx();
    const panel = phonePanel(ctx);
    const board = callBoard(ctx, { openContact, phone: panel });
    phone.current = panel;
    statusSlot.current!.replaceChildren(board.statusBar);
    sideSlot.current!.replaceChildren(board.incoming, panel.element);
    return () => {
      board.dispose();
      panel.dispose();
      phone.current = null;
    };
  }, [language]);

  // The top bar's search lands here as ?q=.
  const asked = query.get('q');
  const navigations = s.navigations.value;
  useEffect(() => {
    if (asked) {
      setQ(asked);
      void runSearch(asked, filters);
    }
  }, [asked, navigations]);

  return (
    <div class="workspace" data-testid="workspace">
      <h1 class="visually-hidden">{t('nav.workspace')}</h1>
      <div ref={statusSlot} class="statusbar-slot" />
      <section class="panel search-pane">
        <form
          role="search"
          aria-label={t('search.label')}
          onSubmit={(e) => {
            e.preventDefault();
            void runSearch(q, filters);
          }}
        >
          <div class="field">
            <label for="contact-search">{t('search.label')}</label>
            <input
              id="contact-search"
              type="search"
              name="q"
              placeholder={t('search.placeholder')}
              maxLength={200}
              autocomplete="off"
              data-page-search
              value={q}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
          </div>
          <button type="submit">{t('search.submit')}</button>
        </form>
        <ContactFilters
          value={filters}
          onChange={(f) => {
            setFilters(f);
            void runSearch(q, f);
          }}
        />
        {search.status === 'error' && (
          <p class="error" role="alert">
            {describeError(search.error, t)}
          </p>
        )}
        <p class="muted" role="status" data-testid="search-count">
          {search.status === 'loading' ? t('common.loading') : search.status === 'ready' ? t('search.results', { count: search.items.length }) : ''}
        </p>
        <ul class="results" data-testid="search-results" onKeyDown={listKeys}>
          {search.status === 'ready' &&
            search.items.map((c) => (
              <li key={c.id}>
                <button type="button" data-testid="search-result" data-list-item onClick={() => openContact(c.id)}>
                  <strong>{c.name}</strong>
                  {c.phones.length > 0 && <span class="muted">{` · ${c.phones[0]}`}</span>}
                </button>
              </li>
            ))}
        </ul>
        <NewContact onCreated={openContact} />
        {/* Served masked for masked roles, and audited. */}
        <p>
          <a href="/api/v1/contacts/export.csv" download="contacts.csv">
            {t('contact.export')}
          </a>
        </p>
        {(me.role === 'admin' || me.role === 'supervisor') && <ImportContacts />}
      </section>
      <section class="panel contact-pane" aria-live="polite" data-testid="contact-pane">
        {openId === null ? <p class="muted">{t('contact.none')}</p> : <ContactCard key={openId} id={openId} onCall={(c) => phone.current?.dialContact(c)} />}
      </section>
      <aside ref={sideSlot} class="side" />
    </div>
  );
}
