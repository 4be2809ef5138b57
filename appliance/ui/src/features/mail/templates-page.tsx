import { useState } from 'preact/hooks';
import { FileText, Pencil, Trash2 } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { useAsync } from '../../ui/async.js';
import { Async, Empty } from '../../ui/states.js';
import { describeError } from '../../ui/errors.js';
import { toast } from '../../ui/toast.js';
import { listKeys } from '../../ui/list.js';
import './mail.css';

interface Template {
  id: number;
  name: string;
  body: string;
  updatedAt: string;
}

/**
 * Reply templates for everyone (supervisors and admins keep them): a name and a text with
 * `{{placeholders}}` the server fills when an operator inserts the template into a reply.
 */
export default function TemplatesPage() {
  const s = session();
  const t = useT();
  const [tick, setTick] = useState(0);
  const data = useAsync(() => s.api.get<{ items: Template[]; placeholders: string[] }>('/api/v1/mail/templates'), [tick]);
  const [editing, setEditing] = useState<Template | null>(null);
  const reload = () => setTick((n) => n + 1);
  return (
    <section class="page templates-page" data-testid="templates-page">
      <Async state={data} onRetry={data.reload}>
        {(d) => (
          <>
            <TemplateForm key={editing?.id ?? 'new'} template={editing} placeholders={d.placeholders} onSaved={() => (setEditing(null), reload())} onCancel={() => setEditing(null)} />
            {d.items.length === 0 ? (
              <Empty icon={FileText} title={t('mail.templates.empty')} />
            ) : (
              <ul class="template-list panel" aria-label={t('mail.templates.list')} onKeyDown={listKeys} data-testid="template-list">
                {d.items.map((x) => (
                  <li key={x.id} data-testid="template-row">
                    <strong>{x.name}</strong>
                    <pre>{x.body}</pre>
                    <span class="toolbar">
                      <button type="button" data-list-item aria-label={t('mail.templates.edit', { name: x.name })} title={t('mail.templates.edit', { name: x.name })} onClick={() => setEditing(x)}>
                        <Pencil size={16} aria-hidden="true" />
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label={t('mail.templates.delete', { name: x.name })}
                        title={t('mail.templates.delete', { name: x.name })}
                        data-testid="template-delete"
                        onClick={() => {
                          if (!window.confirm(t('mail.templates.confirmDelete', { name: x.name }))) return;
                          s.api.request('DELETE', `/api/v1/mail/templates/${x.id}`).then(reload, (err: unknown) => toast(describeError(err, t), 'danger'));
                        }}
                      >
                        <Trash2 size={16} aria-hidden="true" />
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Async>
    </section>
  );
}

function TemplateForm({ template, placeholders, onSaved, onCancel }: { template: Template | null; placeholders: string[]; onSaved: () => void; onCancel: () => void }) {
  const s = session();
  const t = useT();
  const [name, setName] = useState(template?.name ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (template) await s.api.put(`/api/v1/mail/templates/${template.id}`, { name, body });
      else await s.api.post('/api/v1/mail/templates', { name, body });
      toast(t('mail.templates.saved'), 'success');
      setName('');
      setBody('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby="template-form-h" data-testid="template-form">
      <h2 id="template-form-h">{template ? t('mail.templates.editing', { name: template.name }) : t('mail.templates.new')}</h2>
      <div class="field">
        <label for="template-name">{t('mail.templates.name')}</label>
        <input id="template-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="template-body">{t('mail.templates.body')}</label>
        <textarea id="template-body" required rows={6} maxLength={20_000} value={body} onInput={(e) => setBody(e.currentTarget.value)} aria-describedby="template-help" />
        <p id="template-help" class="muted">
          {t('mail.templates.help', { list: placeholders.map((p) => `{{${p}}}`).join(', ') })}
        </p>
      </div>
      {error !== null && (
        <p class="error" role="alert" data-testid="template-error">
          {describeError(error, t)}
        </p>
      )}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy} data-testid="template-save">
          {t('mail.templates.save')}
        </button>
        {template && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
