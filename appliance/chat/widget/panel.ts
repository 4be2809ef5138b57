import { PANEL_GLOBAL, type IdentityClaim, type PanelApi, type WidgetContext } from './shared.js';
import { TEXTS, type TextKey } from './texts.js';

// The chat panel, loaded on first open. Everything a visitor or operator wrote is put on the page
// with textContent only: never parsed as HTML.

type Frame = { t: string; [k: string]: unknown };
interface MsgFrame {
  t: 'msg';
  seq: number;
  from: 'visitor' | 'operator' | 'system';
  name: string | null;
  text: string;
  at: string;
  cid: string | null;
  file: { id: string; name: string; type: string; bytes: number } | null;
}
interface Outgoing {
  cid: string;
  text: string;
}
type View = 'loading' | 'prechat' | 'offline' | 'chat' | 'ended' | 'unavailable' | 'left';

const CSS = `.cb-panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:min(370px,calc(100vw - 24px));height:min(560px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1b1b1b;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;font-size:14px;line-height:1.4}
.cb-panel[hidden]{display:none}
.cb-head{display:flex;align-items:center;justify-content:space-between;background:#1f5fbf;color:#fff;padding:10px 14px}
.cb-head h2{font-size:16px;margin:0}
button{font:inherit;cursor:pointer}
.cb-x{background:none;border:0;color:#fff;font-size:22px;line-height:1;padding:2px 6px}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
.cb-status{padding:6px 14px;background:#f3f6fb;color:#333;font-size:13px}
.cb-status:empty{display:none}
.cb-log{flex:1;overflow-y:auto;margin:0;padding:10px 12px;list-style:none;display:flex;flex-direction:column;gap:8px}
.cb-m{max-width:85%;padding:7px 10px;border-radius:10px;background:#eef1f5;align-self:flex-start;white-space:pre-wrap;word-wrap:break-word}
.cb-m.cb-visitor{align-self:flex-end;background:#dbe8fb}
.cb-m.cb-system{align-self:center;background:none;color:#555;font-size:12px}
.cb-meta{display:block;font-size:11px;color:#555;margin-top:2px}
.cb-typing{padding:0 14px;min-height:18px;font-size:12px;color:#555}
form{margin:0}
.cb-form{padding:12px 14px;display:flex;flex-direction:column;gap:8px;overflow-y:auto}
.cb-form label{display:flex;flex-direction:column;gap:3px;font-size:13px}
.cb-form label.cb-check{flex-direction:row;align-items:flex-start;gap:6px}
input,textarea{font:inherit;border:1px solid #888;border-radius:6px;padding:7px}
.cb-primary{background:#1f5fbf;color:#fff;border:0;border-radius:6px;padding:8px 12px}
.cb-secondary{background:#fff;color:#1f5fbf;border:1px solid #1f5fbf;border-radius:6px;padding:6px 10px}
.cb-compose{display:flex;gap:6px;align-items:flex-end;padding:8px 10px;border-top:1px solid #ddd}
.cb-compose textarea{flex:1;resize:none;height:42px}
.cb-file{display:none}
.cb-end{padding:10px 14px;display:flex;flex-direction:column;gap:8px;border-top:1px solid #ddd}
.cb-stars{display:flex;gap:4px}
.cb-stars button{border:1px solid #888;background:#fff;border-radius:6px;padding:4px 9px}
.cb-error{color:#b00020;font-size:13px}
.cb-bar{display:flex;justify-content:flex-end;padding:4px 10px}`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const newId = () => Math.random().toString(36).slice(2) + Date.now().toString(36);

function createPanel(ctx: WidgetContext): PanelApi {
  const { storage } = ctx;
  let texts = TEXTS[ctx.lang] || TEXTS.en!;
  let siteTexts: Record<string, string> = {};
  const t = (key: TextKey, params: Record<string, string | number> = {}) =>
    ((siteTexts[key] as string | undefined) || texts[key]).replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? ''));

  let ws: WebSocket | null = null;
  let token = storage.get('token');
  let conversationId: number | null = null;
  let lastSeq = 0;
  let readSeq = 0;
  let view: View = 'loading';
  let isOpen = false;
  let backoff = 500;
  let closedByUs = false;
  let site: { form: Record<string, string>; uploads: { enabled: boolean; maxBytes: number; types: string[] } } | null = null;
  let outbox: Outgoing[] = JSON.parse(storage.get('outbox') || '[]') as Outgoing[];
  let identity: IdentityClaim | null = ctx.identity;
  let typingOn = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const shown = new Map<number, HTMLElement>();
  const pendingEls = new Map<string, HTMLElement>();

  const style = el('style');
  style.textContent = CSS;
  const title = el('h2', { id: 'cb-title' });
  const closeBtn = el('button', { class: 'cb-x', type: 'button' }, '×');
  const status = el('div', { class: 'cb-status', role: 'status', 'aria-live': 'polite' });
  const log = el('ol', { class: 'cb-log', role: 'log', 'aria-live': 'polite' });
  const typing = el('div', { class: 'cb-typing', 'aria-live': 'polite' });
  const prechat = el('form', { class: 'cb-form cb-prechat', novalidate: '' });
  const offline = el('form', { class: 'cb-form cb-offline', novalidate: '' });
  const textarea = el('textarea', { rows: '2', maxlength: '4000' });
  const fileInput = el('input', { type: 'file', class: 'cb-file' });
  const attach = el('button', { type: 'button', class: 'cb-secondary cb-attach' }, '📎');
  const sendBtn = el('button', { type: 'submit', class: 'cb-primary cb-send' });
  const composer = el('form', { class: 'cb-compose' }, textarea, fileInput, attach, sendBtn);
  const endBar = el('div', { class: 'cb-bar' });
  const endChat = el('button', { type: 'button', class: 'cb-secondary cb-endchat' });
  endBar.append(endChat);
  const endBox = el('div', { class: 'cb-end' });
  const panel = el('section', { class: 'cb-panel', role: 'dialog', 'aria-labelledby': 'cb-title', hidden: '' }, el('div', { class: 'cb-head' }, title, closeBtn), status, log, typing, prechat, offline, endBar, composer, endBox);
  ctx.container.append(style, panel);

  function applyTexts(): void {
    title.textContent = t('title');
    closeBtn.setAttribute('aria-label', t('close'));
    log.setAttribute('aria-label', t('messages'));
    textarea.placeholder = t('placeholder');
    textarea.setAttribute('aria-label', t('placeholder'));
    attach.setAttribute('aria-label', t('attach'));
    attach.title = t('attach');
    sendBtn.textContent = t('send');
    endChat.textContent = t('end');
  }
  applyTexts();

  function setView(next: View): void {
    view = next;
    prechat.hidden = next !== 'prechat';
    offline.hidden = next !== 'offline';
    composer.hidden = next !== 'chat';
    endBar.hidden = next !== 'chat';
    endBox.hidden = next !== 'ended';
    attach.hidden = !site?.uploads.enabled;
    if (next === 'unavailable') status.textContent = t('unavailable');
    if (next === 'left') status.textContent = t('left');
  }
  setView('loading');

  function saveOutbox(): void {
    storage.set('outbox', outbox.length ? JSON.stringify(outbox) : null);
  }

  function field(name: string, label: string, type: string, rule: string): HTMLElement | null {
    if (rule === 'off' || !rule) return null;
    if (type === 'checkbox') {
      const input = el('input', { type: 'checkbox', name });
      if (rule === 'required') input.required = true;
      return el('label', { class: 'cb-check' }, input, label);
    }
    const input = el('input', { type, name, autocomplete: name === 'name' ? 'name' : name === 'email' ? 'email' : 'tel' });
    if (rule === 'required') input.required = true;
    return el('label', {}, `${label}${rule === 'required' ? ' *' : ''}`, input);
  }

  function buildForms(): void {
    const rules = site?.form || {};
    prechat.replaceChildren(
      el('p', {}, t('greeting')),
      ...[field('name', t('name'), 'text', rules.name!), field('email', t('email'), 'email', rules.email!), field('phone', t('phone'), 'tel', rules.phone!), field('consent', t('consent'), 'checkbox', rules.consent!)].filter(
        (x): x is HTMLElement => x !== null,
      ),
      el('div', { class: 'cb-error', role: 'alert' }),
      el('button', { type: 'submit', class: 'cb-primary' }, t('start')),
    );
    const message = el('textarea', { name: 'message', rows: '4', required: '' });
    const name = el('input', { type: 'text', name: 'name', autocomplete: 'name' });
    const email = el('input', { type: 'email', name: 'email', autocomplete: 'email', required: '' });
    offline.replaceChildren(
      el('p', {}, ''),
      el('label', {}, t('name'), name),
      el('label', {}, `${t('email')} *`, email),
      el('label', {}, `${t('message')} *`, message),
      el('div', { class: 'cb-error', role: 'alert' }),
      el('button', { type: 'submit', class: 'cb-primary' }, t('leave')),
    );
  }

  function formValues(form: HTMLFormElement): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {};
    for (const input of Array.from(form.querySelectorAll('input,textarea')) as (HTMLInputElement | HTMLTextAreaElement)[]) {
      if (input instanceof HTMLInputElement && input.type === 'checkbox') out[input.name] = input.checked;
      else if (input.value.trim()) out[input.name] = input.value.trim();
    }
    return out;
  }

  function missing(form: HTMLFormElement): string[] {
    return (Array.from(form.querySelectorAll('[required]')) as HTMLInputElement[])
      .filter((i) => (i.type === 'checkbox' ? !i.checked : !i.value.trim()))
      .map((i) => (i.closest('label')?.firstChild?.textContent || i.name).replace(' *', ''));
  }

  prechat.addEventListener('submit', (e) => {
    e.preventDefault();
    const lack = missing(prechat);
    const err = prechat.querySelector('.cb-error')!;
    if (lack.length) {
      err.textContent = t('required', { fields: lack.join(', ') });
      return;
    }
    err.textContent = '';
    const v = formValues(prechat);
    send({ t: 'start', form: { name: v.name, email: v.email, phone: v.phone, consent: v.consent === true }, mode: 'live' });
  });

  offline.addEventListener('submit', (e) => {
    e.preventDefault();
    const lack = missing(offline);
    const err = offline.querySelector('.cb-error')!;
    if (lack.length) {
      err.textContent = t('required', { fields: lack.join(', ') });
      return;
    }
    const v = formValues(offline);
    queue(String(v.message));
    send({ t: 'start', form: { name: v.name, email: v.email }, mode: 'message' });
  });

  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    textarea.value = '';
    stopTyping();
    queue(text);
  });
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  textarea.addEventListener('input', () => {
    if (!typingOn && conversationId !== null) {
      typingOn = true;
      send({ t: 'typing', on: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });
  function stopTyping(): void {
    clearTimeout(typingTimer);
    if (typingOn) send({ t: 'typing', on: false });
    typingOn = false;
  }

  attach.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) void upload(file);
  });
  endChat.addEventListener('click', () => send({ t: 'close' }));
  closeBtn.addEventListener('click', () => api.close());
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') api.close();
  });

  function buildEnd(): void {
    const stars = el('div', { class: 'cb-stars', role: 'group', 'aria-label': t('rate') });
    for (let i = 1; i <= 5; i++) {
      const b = el('button', { type: 'button', 'aria-label': `${i}/5` }, '★'.repeat(i));
      b.addEventListener('click', () => {
        send({ t: 'rate', score: i });
        stars.replaceChildren(t('thanks'));
      });
      stars.append(b);
    }
    const email = el('input', { type: 'email', name: 'transcript', 'aria-label': t('email'), autocomplete: 'email' });
    const tr = el('form', { class: 'cb-form' }, el('label', {}, t('transcript'), email), el('button', { type: 'submit', class: 'cb-secondary' }, t('transcript')));
    tr.addEventListener('submit', (e) => {
      e.preventDefault();
      if (email.value.trim()) send({ t: 'transcript', email: email.value.trim() });
    });
    const again = el('button', { type: 'button', class: 'cb-primary' }, t('newChat'));
    again.addEventListener('click', () => {
      conversationId = null;
      log.replaceChildren();
      shown.clear();
      lastSeq = 0;
      storage.set('seq', null);
      status.textContent = '';
      setView(welcomeOpen ? 'prechat' : 'offline');
    });
    endBox.replaceChildren(el('p', {}, t('ended')), el('p', {}, t('rate')), stars, tr, again);
  }

  function time(at: string): string {
    try {
      return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    } catch {
      return '';
    }
  }

  function renderMessage(m: MsgFrame): void {
    if (shown.has(m.seq)) return;
    let li = m.cid ? pendingEls.get(m.cid) : undefined;
    if (li) pendingEls.delete(m.cid!);
    else {
      li = el('li', { class: `cb-m cb-${m.from}` });
      const body = el('span', { class: 'cb-text' });
      body.textContent = m.text;
      li.append(body);
      if (m.file) {
        const f = m.file;
        const b = el('button', { type: 'button', class: 'cb-secondary cb-download' });
        b.textContent = `${t('download')}: ${f.name}`;
        b.addEventListener('click', () => void download(f.id, f.name));
        li.append(el('br'), b);
      }
      li.append(el('span', { class: 'cb-meta' }));
      // Keep sequence order even when an old message arrives after a newer one.
      const after = [...shown.entries()].filter(([s]) => s > m.seq).sort((a, b) => a[0] - b[0])[0];
      if (after) log.insertBefore(li, after[1]);
      else log.append(li);
    }
    li.setAttribute('data-seq', String(m.seq));
    shown.set(m.seq, li);
    const who = m.from === 'visitor' ? t('you') : m.from === 'operator' ? m.name || t('operator') : '';
    const meta = li.querySelector('.cb-meta')!;
    meta.textContent = [who, time(m.at), m.from === 'visitor' ? (m.seq <= readSeq ? t('read') : t('sent')) : ''].filter(Boolean).join(' · ');
    li.classList.toggle('cb-read', m.from === 'visitor' && m.seq <= readSeq);
    log.scrollTop = log.scrollHeight;
    if (m.seq > lastSeq) {
      lastSeq = m.seq;
      storage.set('seq', `${conversationId}:${lastSeq}`);
      ctx.emit('message', { seq: m.seq, from: m.from, name: m.name, text: m.text, at: m.at, file: m.file });
      if (m.from !== 'visitor' && !isOpen) ctx.launcher.setAttribute('data-unread', '•');
    }
    if (m.from !== 'visitor') markRead();
  }

  function renderPending(o: Outgoing): void {
    if (pendingEls.has(o.cid)) return;
    const li = el('li', { class: 'cb-m cb-visitor cb-pending' });
    const body = el('span', { class: 'cb-text' });
    body.textContent = o.text;
    li.append(body, el('span', { class: 'cb-meta' }, t('sending')));
    log.append(li);
    pendingEls.set(o.cid, li);
    log.scrollTop = log.scrollHeight;
  }

  function markRead(): void {
    if (isOpen && document.visibilityState === 'visible' && conversationId !== null) send({ t: 'read', seq: lastSeq });
  }
  document.addEventListener('visibilitychange', markRead);

  function updateReceipts(seq: number): void {
    readSeq = Math.max(readSeq, seq);
    for (const [s, li] of shown) {
      if (s <= readSeq && li.classList.contains('cb-visitor') && !li.classList.contains('cb-read')) {
        li.classList.add('cb-read');
        const meta = li.querySelector('.cb-meta')!;
        meta.textContent = (meta.textContent || '').replace(t('sent'), t('read'));
      }
    }
  }

  function queue(text: string): void {
    const o = { cid: newId(), text };
    outbox.push(o);
    saveOutbox();
    renderPending(o);
    if (conversationId === null) {
      if (view !== 'offline' && requiredMissing()) {
        setView('prechat');
        return;
      }
      if (view !== 'offline') send({ t: 'start', form: {}, mode: 'live' });
    } else flush();
  }

  const requiredMissing = () => Object.values(site?.form || {}).some((r) => r === 'required');

  function flush(): void {
    if (conversationId === null) return;
    for (const o of outbox) send({ t: 'msg', cid: o.cid, text: o.text });
  }

  function send(frame: Frame): void {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  let welcomeOpen = true;
  function onFrame(f: Frame): void {
    switch (f.t) {
      case 'welcome': {
        backoff = 500;
        token = String(f.token);
        storage.set('token', token);
        const s = f.site as { texts: Record<string, string>; language: string; form: Record<string, string>; uploads: { enabled: boolean; maxBytes: number; types: string[] } };
        site = s;
        texts = TEXTS[s.language] || texts;
        siteTexts = s.texts || {};
        applyTexts();
        buildForms();
        buildEnd();
        welcomeOpen = f.open === true;
        if (identity) send({ t: 'identify', ...identity });
        if (!f.available) return setView('unavailable');
        const id = f.conversationId as number | null;
        if (id !== null) {
          if (conversationId !== id) {
            conversationId = id;
          }
          if (view === 'loading' || view === 'prechat' || view === 'offline') setView('chat');
        } else {
          conversationId = null;
          (offline.querySelector('p') as HTMLElement).textContent = f.closedReason === 'hours' ? t('offline') : t('away');
          setView(welcomeOpen ? 'prechat' : 'offline');
          if (welcomeOpen && outbox.length && !requiredMissing()) send({ t: 'start', form: {}, mode: 'live' });
        }
        status.textContent = '';
        ctx.emit('ready', { open: welcomeOpen, conversationId });
        return;
      }
      case 'msg':
        return renderMessage(f as unknown as MsgFrame);
      case 'ack': {
        outbox = outbox.filter((o) => o.cid !== f.cid);
        saveOutbox();
        const li = pendingEls.get(String(f.cid));
        if (li && !shown.has(f.seq as number)) renderMessage({ t: 'msg', seq: f.seq as number, from: 'visitor', name: null, text: li.querySelector('.cb-text')!.textContent || '', at: String(f.at), cid: String(f.cid), file: null });
        return;
      }
      case 'state': {
        const wasNull = conversationId === null;
        conversationId = f.conversationId as number;
        updateReceipts(f.readSeq as number);
        if (f.state === 'closed') {
          setView('ended');
          status.textContent = '';
        } else {
          if (f.mode === 'message' && view === 'offline') {
            setView('left');
          } else if (view !== 'left') setView('chat');
          if (view !== 'left') {
            status.textContent =
              f.state === 'waiting' && f.mode === 'live' ? t(f.atLimit ? 'atLimit' : 'waiting', { n: f.position as number }) : f.operator ? t('joined', { name: String(f.operator) }) : '';
          }
        }
        if (wasNull || f.state !== 'closed') flush();
        ctx.emit('state', { state: f.state, mode: f.mode, position: f.position, atLimit: f.atLimit, operator: f.operator });
        return;
      }
      case 'typing':
        typing.textContent = f.on ? t('typing', { name: String(f.name || t('operator')) }) : '';
        ctx.emit('typing', { on: f.on, name: f.name });
        return;
      case 'read':
        return updateReceipts(f.seq as number);
      case 'done':
        if (f.what === 'transcript') status.textContent = t('transcriptSent');
        return;
      case 'error': {
        if (f.cid) {
          const li = pendingEls.get(String(f.cid));
          // A rate limit is passing: the message stays in the outbox and goes with the next flush.
          if (f.code !== 'CHAT_RATE_LIMITED') {
            outbox = outbox.filter((o) => o.cid !== f.cid);
            saveOutbox();
            li?.remove();
            pendingEls.delete(String(f.cid));
          }
        }
        const target = view === 'prechat' ? prechat : view === 'offline' ? offline : null;
        const box = target?.querySelector('.cb-error');
        if (box) box.textContent = String(f.message);
        else status.textContent = String(f.message);
        ctx.emit('error', { code: f.code, message: f.message });
        return;
      }
    }
  }

  function connect(): void {
    closedByUs = false;
    const socket = new WebSocket(`${ctx.base.replace(/^http/, 'ws')}/chat/ws/${ctx.key}`);
    ws = socket;
    socket.onopen = () => {
      const saved = (storage.get('seq') || '').split(':');
      const seqFor = saved.length === 2 ? Number(saved[1]) : 0;
      // Resume after what this page has shown; a fresh page shows the whole conversation.
      send({ t: 'hello', token: token || undefined, lastSeq: shown.size ? lastSeq : 0, lang: ctx.lang, page: location.href.slice(0, 2000) });
      void seqFor;
    };
    socket.onmessage = (e) => {
      try {
        onFrame(JSON.parse(String(e.data)) as Frame);
      } catch (err) {
        console.error(err);
      }
    };
    socket.onclose = () => {
      if (ws !== socket || closedByUs) return;
      status.textContent = t('reconnecting');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
  }

  async function upload(file: File): Promise<void> {
    if (!site || !token || conversationId === null) return;
    if (file.size > site.uploads.maxBytes) {
      status.textContent = `${file.name}: > ${site.uploads.maxBytes} B`;
      return;
    }
    const cid = newId();
    const q = new URLSearchParams({ token, cid, name: file.name || 'file' });
    const res = await fetch(`${ctx.base}/chat/w/${ctx.key}/files?${q}`, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' }, credentials: 'omit' });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      status.textContent = body?.error?.message || String(res.status);
    }
  }

  async function download(id: string, name: string): Promise<void> {
    if (!token) return;
    const res = await fetch(`${ctx.base}/chat/w/${ctx.key}/files/${id}?${new URLSearchParams({ token })}`, { credentials: 'omit' });
    if (!res.ok) return;
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: name });
    ctx.container.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  for (const o of outbox) renderPending(o);
  connect();

  const api: PanelApi = {
    open() {
      isOpen = true;
      panel.hidden = false;
      ctx.launcher.setAttribute('aria-expanded', 'true');
      ctx.launcher.removeAttribute('data-unread');
      storage.set('open', '1');
      const first = (panel.querySelector('form:not([hidden]) input, form:not([hidden]) textarea') as HTMLElement | null) || closeBtn;
      first.focus();
      markRead();
      ctx.emit('open', {});
    },
    close() {
      isOpen = false;
      panel.hidden = true;
      ctx.launcher.setAttribute('aria-expanded', 'false');
      storage.set('open', null);
      ctx.launcher.focus();
    },
    send(text: string) {
      if (text.trim()) queue(text.trim());
    },
    identify(claim: IdentityClaim) {
      identity = claim;
      send({ t: 'identify', ...claim });
    },
  };
  void closedByUs;
  return api;
}

(window as unknown as Record<string, unknown>)[PANEL_GLOBAL] = createPanel;
