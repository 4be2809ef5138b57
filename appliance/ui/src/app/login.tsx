import { useEffect, useRef, useState } from 'preact/hooks';
import type { Me } from '../api.js';
import { session, useT } from './session.js';
import { LanguagePicker } from './shell.js';
import { describeError } from '../ui/errors.js';

/**
 * The login page. Errors shown are the server's own messages (already in the chosen language,
 * because the API client sends it as Accept-Language), or our text when the server is unreachable.
 */
export function LoginPage({ onLoggedIn }: { onLoggedIn: (me: Me) => void }) {
  const s = session();
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  useEffect(() => userField.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError(t('login.required'));
      (username.trim() ? passwordField : userField).current?.focus();
      return;
    }
    setBusy(true);
    try {
      const me = await s.api.login(username.trim(), password);
      onLoggedIn(me);
    } catch (err) {
      setError(describeError(err, t));
      setPassword('');
      setBusy(false);
      passwordField.current?.focus();
    }
  };

  return (
    <main class="login-page">
      <div class="login-card">
        <div class="brand">{t('app.name')}</div>
        <form class="login-form" noValidate aria-labelledby="login-title" onSubmit={(e) => void submit(e)}>
          <h1 id="login-title">{t('login.title')}</h1>
          <div class="field">
            <label for="username">{t('login.username')}</label>
            <input id="username" ref={userField} name="username" autocomplete="username" required maxLength={200} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="password">{t('login.password')}</label>
            <input
              id="password"
              ref={passwordField}
              name="password"
              type="password"
              autocomplete="current-password"
              required
              maxLength={1000}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          {error && (
            <p class="error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {t(busy ? 'login.busy' : 'login.submit')}
          </button>
        </form>
        <LanguagePicker onPick={(l) => s.setLanguage(l as never, false)} />
        <a
          href="/selftest"
          class="selftest-link"
          onClick={(e) => {
            e.preventDefault();
            s.navigate('/selftest');
          }}
        >
          {t('login.selftest')}
        </a>
      </div>
    </main>
  );
}
