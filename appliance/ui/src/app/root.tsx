import { useEffect, useRef } from 'preact/hooks';
import { session } from './session.js';
import { Router } from './routes.js';
import { Shell } from './shell.js';
import { loginView } from '../views/login.js';
import { standaloneSelfTest } from '../views/selftest.js';

/**
 * Login page, the self-test page (usable before login) or the shell, from the session and the
 * URL. The login page keeps the user's target (a bookmarked contact) for after signing in.
 */
export function Root({ router }: { router: Router }) {
  const s = session();
  const me = s.me.value;
  const path = s.path;
  void s.language.value;
  if (me) {
    s.home = router.home(me.role);
    if (path === '/' || path === '/login') {
      queueMicrotask(() => s.navigate(s.home, { replace: true }));
      return null;
    }
    return <Shell router={router} />;
  }
  if (path === '/selftest') return <Mounted key={`selftest-${s.language.value}`} make={() => standaloneSelfTest(s.i18n, (l) => s.setLanguage(l, false), (p) => s.navigate(p))} />;
  if (path !== '/login') {
    if (path !== '/') s.rememberTarget(s.location.value);
    queueMicrotask(() => s.navigate('/login', { replace: true }));
    return null;
  }
  return (
    <Mounted
      key={`login-${s.language.value}`}
      make={() => ({
        element: loginView({
          api: s.api,
          i18n: s.i18n,
          onLanguage: (l) => s.setLanguage(l, false),
          onLoggedIn: (user) => {
            s.home = router.home(user.role);
            s.signedIn(user, true);
          },
          navigate: (p) => s.navigate(p),
        }),
      })}
    />
  );
}

/** An `h()` view outside the shell (login, self-test before login). */
function Mounted({ make }: { make: () => { element: HTMLElement; dispose?: () => void } }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = make();
    ref.current!.replaceChildren(view.element);
    return () => view.dispose?.();
  }, []);
  return <div ref={ref} class="standalone-host" />;
}
