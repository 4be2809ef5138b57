import { useEffect, useRef } from 'preact/hooks';
import type { ComponentType } from 'preact';
import type { Ctx, View } from '../context.js';
import type { PageProps } from '../app/routes.js';
import { session } from '../app/session.js';

/**
 * A page written with the older `h()` views, mounted inside the Preact shell. It is rebuilt when
 * the language or the URL changes, as it always was; pages move to components one by one.
 */
export function legacyPage(mount: (ctx: Ctx, outlet: HTMLElement) => View): ComponentType<PageProps> {
  return function LegacyPage() {
    const s = session();
    const ref = useRef<HTMLDivElement>(null);
    const language = s.language.value;
    const path = s.path;
    const navigations = s.navigations.value;
    useEffect(() => {
      const outlet = ref.current!;
      const view = mount(s.legacyCtx(), outlet);
      outlet.replaceChildren(view.element);
      return () => view.dispose?.();
    }, [language, path, navigations]);
    return <div ref={ref} class="legacy-page" />;
  };
}
