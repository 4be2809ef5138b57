import { session } from './session.js';
import { Router } from './routes.js';
import { Shell } from './shell.js';
import { LoginPage } from './login.js';
import { StandaloneSelfTest } from '../features/selftest/selftest-page.js';

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
  if (path === '/selftest') return <StandaloneSelfTest />;
  if (path !== '/login') {
    if (path !== '/') s.rememberTarget(s.location.value);
    queueMicrotask(() => s.navigate('/login', { replace: true }));
    return null;
  }
  return (
    <LoginPage
      onLoggedIn={(user) => {
        s.home = router.home(user.role);
        s.signedIn(user, true);
      }}
    />
  );
}
