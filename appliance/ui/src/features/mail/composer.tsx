import { useEffect, useRef, useState } from 'preact/hooks';
import { Paperclip, Send, X } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { describeError } from '../../ui/errors.js';
import { toast } from '../../ui/toast.js';
import type { MessageKey } from '../../i18n.js';
import type { MessageDetail } from './api.js';
import './mail.css';

export type ComposeMode = 'reply' | 'replyAll' | 'forward';
const TITLE: Record<ComposeMode, MessageKey> = { reply: 'mail.reply', replyAll: 'mail.replyAll', forward: 'mail.forward' };

interface Template {
  id: number;
  name: string;
}

interface Upload {
  id: string;
  name: string;
  bytes: number;
}

const size = (n: number, language: string) =>
  new Intl.NumberFormat(language, { style: 'unit', unit: n >= 1024 * 1024 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(n >= 1024 * 1024 ? n / 1024 / 1024 : Math.max(1, n / 1024));

/** The signature is the user's own, kept in this browser. */
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
  const signatureKey = `contactbox.mail.signature.${me.id}`;
  // Reply templates are shared (kept by supervisors and admins) and filled in by the server.
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    s.api.get<{ items: Template[] }>('/api/v1/mail/templates').then((r) => setTemplates(r.items), () => undefined);
  }, []);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [uploading, setUploading] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  // Where the user last put the caret in the text (typing or clicking); null until they do.
  const caret = useRef<number | null>(null);
  const keepCaret = (e: Event) => (caret.current = (e.currentTarget as HTMLTextAreaElement).selectionStart);
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
      if (uploads.length) body.attachments = uploads.map((u) => u.id);
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
  const insertTemplate = async (id: number) => {
    try {
      const { text: filled } = await s.api.post<{ text: string }>(`/api/v1/mail/templates/${id}/render`, mode === 'forward' ? {} : { replyToMessageId: original.id });
      // Where the user's caret was in the text, else on top (above the signature and the quote).
      const at = caret.current ?? 0;
      setText((cur) => `${cur.slice(0, at)}${filled}${cur.slice(at)}`);
      caret.current = at + filled.length;
    } catch (err) {
      toast(describeError(err, t), 'danger');
    }
  };
  const attach = async (files: FileList | null) => {
    for (const file of [...(files ?? [])]) {
      setUploading((n) => n + 1);
      try {
        const up = await s.api.request<Upload>('POST', `/api/v1/mail/uploads?name=${encodeURIComponent(file.name)}`, file, file.type || 'application/octet-stream');
        setUploads((list) => [...list, up]);
      } catch (err) {
        toast(`${file.name}: ${describeError(err, t)}`, 'danger');
      } finally {
        setUploading((n) => n - 1);
      }
    }
    if (fileInput.current) fileInput.current.value = '';
  };
  const detach = (u: Upload) => {
    setUploads((list) => list.filter((x) => x.id !== u.id));
    s.api.request('DELETE', `/api/v1/mail/uploads/${u.id}`).catch(() => undefined);
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
          data-testid="compose-template"
          value=""
          disabled={templates.length === 0}
          onChange={(e) => {
            const id = Number(e.currentTarget.value);
            e.currentTarget.value = '';
            if (id) void insertTemplate(id);
          }}
        >
          <option value="">{templates.length ? t('mail.templatePick') : t('mail.templateNone')}</option>
          {templates.map((x) => (
            <option key={x.id} value={String(x.id)}>
              {x.name}
            </option>
          ))}
        </select>
        <input id="compose-files" ref={fileInput} type="file" multiple class="visually-hidden" data-testid="compose-files" onChange={(e) => void attach(e.currentTarget.files)} />
        <label class="button" for="compose-files">
          <Paperclip size={16} aria-hidden="true" />
          <span>{t('mail.attach')}</span>
        </label>
        {uploading > 0 && (
          <span class="muted" role="status">
            {t('mail.attaching')}
          </span>
        )}
      </div>
      {uploads.length > 0 && (
        <ul class="chips" aria-label={t('mail.attachments')} data-testid="compose-attachments">
          {uploads.map((u) => (
            <li key={u.id} class="chip" data-testid="compose-attachment">
              <Paperclip size={14} aria-hidden="true" />
              <span>{u.name}</span> <span class="muted">{size(u.bytes, s.i18n.language)}</span>
              <button type="button" class="icon-button" aria-label={t('mail.detach', { name: u.name })} title={t('mail.detach', { name: u.name })} onClick={() => detach(u)}>
                <X size={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for="compose-text">{t('mail.text')}</label>
        <textarea
          id="compose-text"
          ref={textArea}
          rows={10}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            keepCaret(e);
          }}
          onKeyUp={keepCaret}
          onClick={keepCaret}
          maxLength={512 * 1024}
          data-testid="compose-text"
        />
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
        <button type="submit" class="primary" disabled={busy || uploading > 0} data-testid="send">
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
