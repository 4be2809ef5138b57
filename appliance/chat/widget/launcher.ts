import { PANEL_GLOBAL, type IdentityClaim, type PanelApi, type WidgetContext } from './shared.js';

// The launcher: a button in a Shadow DOM on the customer's page. It is all that loads with the
// page; the panel (chat UI, socket, form) is fetched from the appliance the first time it opens.
const LABELS: Record<string, string> = { uk: 'Чат', ru: 'Чат', en: 'Chat', fr: 'Discuter', de: 'Chat', es: 'Chat', pt: 'Conversar' };

(() => {
  const w = window as unknown as Record<string, unknown>;
  if (w.ContactboxChat) return;
  const script = document.currentScript as HTMLScriptElement | null;
  const src = new URL(script ? script.src : '', location.href);
  const match = /\/chat\/widget\/([A-Za-z0-9_-]+)\.js$/.exec(src.pathname);
  if (!match) return;
  const key = match[1]!;
  const base = src.origin;
  const lang = (document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
  const prefix = `contactbox-chat:${key}:`;
  const storage = {
    get: (name: string) => {
      try {
        return localStorage.getItem(prefix + name);
      } catch {
        return null;
      }
    },
    set: (name: string, value: string | null) => {
      try {
        if (value === null) localStorage.removeItem(prefix + name);
        else localStorage.setItem(prefix + name, value);
      } catch {
        /* storage blocked: the chat still works for this page */
      }
    },
  };

  const host = document.createElement('div');
  host.setAttribute('data-contactbox-chat', key);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = `:host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.cb-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;background:#1f5fbf;color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.cb-launch:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.cb-launch[data-unread]:after{content:attr(data-unread);margin-left:8px;background:#d4351c;border-radius:10px;padding:0 7px}`;
  const launcher = document.createElement('button');
  launcher.className = 'cb-launch';
  launcher.type = 'button';
  launcher.textContent = LABELS[lang] || LABELS.en!;
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  const container = document.createElement('div');
  root.append(style, launcher, container);
  (document.body || document.documentElement).appendChild(host);

  const listeners: Record<string, Array<(data: unknown) => void>> = {};
  let identity: IdentityClaim | null = null;
  let panel: PanelApi | null = null;
  let loading: Promise<PanelApi> | null = null;
  const pending: Array<(p: PanelApi) => void> = [];

  const ctx: WidgetContext = {
    base,
    key,
    root,
    container,
    launcher,
    lang,
    storage,
    get identity() {
      return identity;
    },
    emit(event, data) {
      for (const fn of listeners[event] || []) {
        try {
          fn(data);
        } catch (err) {
          console.error(err);
        }
      }
    },
  };

  function load(): Promise<PanelApi> {
    if (panel) return Promise.resolve(panel);
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const s = document.createElement('script');
        // crossorigin: the browser sends Origin, which the appliance checks against the site.
        s.crossOrigin = 'anonymous';
        s.async = true;
        s.src = `${base}/chat/widget/${key}/panel.js`;
        s.onload = () => {
          const factory = w[PANEL_GLOBAL] as ((c: WidgetContext) => PanelApi) | undefined;
          if (!factory) return reject(new Error('chat panel did not load'));
          panel = factory(ctx);
          for (const run of pending.splice(0)) run(panel);
          resolve(panel);
        };
        s.onerror = () => {
          loading = null;
          reject(new Error('chat panel did not load'));
        };
        document.head.appendChild(s);
      });
    }
    return loading;
  }
  const withPanel = (run: (p: PanelApi) => void) => {
    if (panel) run(panel);
    else {
      pending.push(run);
      load().catch((err) => ctx.emit('error', { code: 'LOAD_FAILED', message: String(err) }));
    }
  };

  launcher.addEventListener('click', () => withPanel((p) => p.open()));
  w.ContactboxChat = {
    open: () => withPanel((p) => p.open()),
    close: () => panel && panel.close(),
    send: (text: string) => withPanel((p) => p.send(String(text))),
    identify: (claim: IdentityClaim) => {
      identity = claim;
      if (panel) panel.identify(claim);
    },
    on: (event: string, fn: (data: unknown) => void) => {
      (listeners[event] = listeners[event] || []).push(fn);
    },
  };
  // A chat left open on another page of the site continues here.
  if (storage.get('open') === '1') withPanel((p) => p.open());
})();
