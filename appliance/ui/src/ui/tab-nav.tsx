import { session, useT } from '../app/session.js';
import type { MessageKey } from '../i18n.js';

/**
 * A bar of links between the pages of one area (the admin console, the reports): the page shown
 * is marked current; a click moves within the app without reloading it.
 */
export function TabNav({ label, pages, className }: { label: string; pages: ReadonlyArray<{ path: string; label: MessageKey }>; className: string }) {
  const t = useT();
  const here = session().path;
  return (
    <nav class={className} aria-label={label}>
      {pages.map((p) => (
        <a
          key={p.path}
          href={p.path}
          aria-current={here === p.path ? 'page' : undefined}
          data-testid={`tab-${p.path.split('/').pop()}`}
          onClick={(e) => {
            e.preventDefault();
            session().navigate(p.path);
          }}
        >
          {t(p.label)}
        </a>
      ))}
    </nav>
  );
}
