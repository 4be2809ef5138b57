import { h } from '../dom.js';
import { ApiError, type Api, type Me } from '../api.js';
import type { I18n, Language } from '../i18n.js';
import { languageSelect } from './language-select.js';

/**
 * The login page. Errors shown are the server's own messages (already in the chosen language,
 * because the API client sends it as Accept-Language), or our text when the server is unreachable.
 */
export function loginView(deps: {
  api: Api;
  i18n: I18n;
  onLanguage: (language: Language) => void;
  onLoggedIn: (me: Me) => void;
  navigate: (path: string) => void;
}): HTMLElement {
  const { api, i18n } = deps;
  const t = i18n.t.bind(i18n);
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, maxlength: 200, autofocus: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1000 });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));

  const showError = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };

  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('div', { class: 'field' }, h('label', { for: 'username' }, t('login.username')), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), password),
    error,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      showError(t('login.required'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    let me: Me;
    try {
      me = await api.login(username.value.trim(), password.value);
    } catch (err) {
      showError(err instanceof ApiError ? err.message : t('error.network'));
      password.value = '';
      password.focus();
      submit.disabled = false;
      submit.textContent = t('login.submit');
      return;
    }
    deps.onLoggedIn(me);
  });

  const selftest = h('a', { href: '/selftest', class: 'selftest-link' }, t('login.selftest'));
  selftest.addEventListener('click', (event) => {
    event.preventDefault();
    deps.navigate('/selftest');
  });

  return h(
    'main',
    { class: 'login-page' },
    h('div', { class: 'login-card' }, h('div', { class: 'brand' }, t('app.name')), form, languageSelect(i18n, deps.onLanguage), selftest),
  );
}
