import { useState } from 'preact/hooks';
import { Send, X } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { describeError } from '../../ui/errors.js';
import type { MessageKey } from '../../i18n.js';
import type { MessageDetail } from './api.js';

export type ComposeMode = 'reply' | 'replyAll' | 'forward';
const TITLE: Record<ComposeMode, MessageKey> = { reply: 'mail.reply', replyAll: 'mail.replyAll', forward: 'mail.forward' };

interface Template {
  name: string;
  text: string;
}

/** Templates and the signature are the user's own, kept in this browser. */
function stored<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

const prefixed = (prefix: string, subject: string) => (subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`);
const split = (v: string) =>
  v
    .split(/[,;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Reply, reply-all and forward. The server threads replies (In-Reply-To/References) and picks the
 * mailbox; masked roles reply by message (the server knows the address they may not see).
 */
export function Composer({ mode, original, onSent, onCancel }: { mode: ComposeMode; original: MessageDetail; onSent: () => void; onCancel: () => void }) {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const templatesKey = `contactbox.mail.templates.${me.id}`;
  const signatureKey = `contactbox.mail.signature.${me.id}`;
  const [templates, setTemplates] = useState<Template[]>(() => stored(templatesKey, []));
  const [signature, setSignature] = useState<string>(() => stored(signatureKey, ''));
  const quoted = `\n\n${t('mail.quoteHeader', { name: original.from?.name || original.from?.address || '', date: new Intl.DateTimeFormat(s.i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(original.date ?? original.receivedAt)) })}\n${original.text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n')}`;
  const [text, setText] = useState(() => `${signature ? `\n\n-- \n${signature}` : ''}${quoted}`);
  const others = [...original.to.slice(1), ...original.cc].map((a) => a.address).filter((a): a is string => Boolean(a) && !/[*•]/.test(a!));
  const [to, setTo] = useState('');
  const [cc, setCc] = useState(mode === 'replyAll' ? others.join(', ') : '');
  const [subject, setSubject] = useState(mode === 'forward' ? prefixed('Fwd:', original.subject) : prefixed('Re:', original.subject));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { text, subject };
      if (mode === 'forward') {
        body.to = split(to);
        if (original.mailboxId) body.mailboxId = original.mailboxId;
      } else {
        body.replyToMessageId = original.id;
        if (mode === 'replyAll' && split(cc).length) body.cc = split(cc);
      }
      await s.api.post('/api/v1/messages', body);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const saveTemplate = () => {
    const name = window.prompt(t('mail.templateName'));
    if (!name) return;
    const body = text.split('\n\n-- \n')[0]!.split(quoted)[0]!.trim();
    const next = [...templates.filter((x) => x.name !== name), { name, text: body }];
    setTemplates(next);
    localStorage.setItem(templatesKey, JSON.stringify(next));
  };
  return (
    <form class="composer panel" onSubmit={send} data-testid="composer" aria-label={t(TITLE[mode])}>
      <h3>{t(TITLE[mode])}</h3>
      {mode === 'forward' && (
        <div class="field">
          <label for="compose-to">{t('mail.to')}</label>
          <input id="compose-to" type="text" required value={to} onInput={(e) => setTo(e.currentTarget.value)} autocomplete="email" maxLength={2000} />
        </div>
      )}
      {mode === 'replyAll' && (
        <div class="field">
          <label for="compose-cc">{t('mail.cc')}</label>
          <input id="compose-cc" type="text" value={cc} onInput={(e) => setCc(e.currentTarget.value)} maxLength={2000} />
        </div>
      )}
      <div class="field">
        <label for="compose-subject">{t('mail.subject')}</label>
        <input id="compose-subject" type="text" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} maxLength={998} />
      </div>
      <div class="toolbar">
        <label for="compose-template">{t('mail.template')}</label>
        <select
          id="compose-template"
          value=""
          onChange={(e) => {
            const tpl = templates.find((x) => x.name === e.currentTarget.value);
            if (tpl) setText(`${tpl.text}${text.startsWith('\n') ? '' : '\n'}${text}`);
          }}
        >
          <option value="">{templates.length ? t('mail.templatePick') : t('mail.templateNone')}</option>
          {templates.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={saveTemplate}>
          {t('mail.templateSave')}
        </button>
      </div>
      <div class="field">
        <label for="compose-text">{t('mail.text')}</label>
        <textarea id="compose-text" rows={10} value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={512 * 1024} data-testid="compose-text" />
      </div>
      <details class="signature">
        <summary>{t('mail.signature')}</summary>
        <label for="compose-signature" class="visually-hidden">
          {t('mail.signature')}
        </label>
        <textarea
          id="compose-signature"
          rows={3}
          value={signature}
          maxLength={2000}
          onInput={(e) => {
            setSignature(e.currentTarget.value);
            localStorage.setItem(signatureKey, JSON.stringify(e.currentTarget.value));
          }}
        />
      </details>
      {error !== null && (
        <p class="error" role="alert" data-testid="compose-error">
          {describeError(error, t)}
        </p>
      )}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy} data-testid="send">
          <Send size={16} aria-hidden="true" />
          <span>{t('mail.send')}</span>
        </button>
        <button type="button" onClick={onCancel}>
          <X size={16} aria-hidden="true" />
          <span>{t('common.cancel')}</span>
        </button>
      </div>
    </form>
  );
}
