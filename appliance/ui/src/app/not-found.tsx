import { Compass } from 'lucide-preact';
import { session, useT } from './session.js';
import { Empty } from '../ui/states.js';

/** Any address the user's role has no page for. */
export function NotFound({ home }: { home: string }) {
  const t = useT();
  return (
    <div data-testid="not-found">
      <Empty icon={Compass} title={t('notFound.title')} hint={t('notFound.hint')}>
        <a
          href={home}
          onClick={(e) => {
            e.preventDefault();
            session().navigate(home);
          }}
        >
          {t('notFound.home')}
        </a>
      </Empty>
    </div>
  );
}
