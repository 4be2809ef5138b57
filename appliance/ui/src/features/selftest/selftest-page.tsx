import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { LanguagePicker } from '../../app/shell.js';
import { RESULT, runChecks, type Check } from './checks.js';

/** The checks of the operator's PC, run on opening and again on request. */
export function SelfTest() {
  const s = session();
  const t = useT();
  const [checks, setChecks] = useState<Check[] | null>(null);
  const [round, setRound] = useState(0);
  const language = s.language.value;
  useEffect(() => {
    let alive = true;
    setChecks(null);
    void runChecks(s.i18n).then((c) => alive && setChecks(c));
    return () => {
      alive = false;
    };
  }, [round, language]);
  return (
    <section class="selftest" data-testid="selftest">
      <h1>{t('selftest.title')}</h1>
      <p>{t('selftest.intro')}</p>
      <p class="summary" role="status" data-testid="selftest-summary">
        {checks ? t('selftest.summary', { failed: checks.filter((c) => c.status === 'fail').length }) : t('common.loading')}
      </p>
      <dl class="checks">
        {checks?.map((c) => (
          <Fragment key={c.id}>
            <dt>{t(c.label)}</dt>
            <dd data-testid={`selftest-${c.id}`} data-status={c.status}>
              <strong class={`badge ${c.status}`}>{t(RESULT[c.status])}</strong> {c.text}
            </dd>
          </Fragment>
        ))}
      </dl>
      <button type="button" disabled={!checks} onClick={() => setRound((r) => r + 1)}>
        {t('selftest.run')}
      </button>
      {/* The server's page on installing its local CA, so Chrome trusts it and allows the microphone. */}
      <p>
        <a href="/ca" target="_blank" rel="noopener">
          {t('selftest.ca')}
        </a>
      </p>
    </section>
  );
}

/** The self-test page inside the shell. */
export function SelfTestPage() {
  return <SelfTest />;
}

/** The self-test before login: an operator checks a new PC without an account. */
export function StandaloneSelfTest() {
  const s = session();
  const t = useT();
  return (
    <main class="standalone">
      <SelfTest />
      <LanguagePicker onPick={(l) => s.setLanguage(l as never, false)} />
      <a
        href="/login"
        onClick={(e) => {
          e.preventDefault();
          s.navigate('/login');
        }}
      >
        {t('login.submit')}
      </a>
    </main>
  );
}
