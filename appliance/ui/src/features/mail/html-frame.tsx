import DOMPurify from 'dompurify';
import { useMemo } from 'preact/hooks';

/**
 * HTML mail made safe to look at: DOMPurify removes scripts, event handlers, forms and anything
 * active; remote images (trackers) are dropped unless the user asked for them; and the result is
 * shown in a sandboxed frame (no scripts, no same-origin access) under a CSP that allows no
 * network at all except, when asked, images.
 */
export function sanitiseMail(html: string, allowRemote: boolean): { html: string; blocked: number } {
  let blocked = 0;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    for (const attr of ['src', 'background', 'poster']) {
      const value = el.getAttribute?.(attr);
      if (value && /^(https?:)?\/\//i.test(value.trim()) && !allowRemote) {
        el.removeAttribute(attr);
        blocked++;
      }
    }
  });
  try {
    const clean = DOMPurify.sanitize(html, {
      FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'link', 'meta', 'base', 'iframe', 'object', 'embed', 'audio', 'video'],
      FORBID_ATTR: ['srcset', 'ping', 'action', 'formaction'],
    });
    return { html: clean, blocked };
  } finally {
    DOMPurify.removeHook('afterSanitizeAttributes');
  }
}

export function MailFrame({ html, allowRemote, title }: { html: string; allowRemote: boolean; title: string }) {
  const doc = useMemo(() => {
    const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:${allowRemote ? ' https: http:' : ''}; font-src data:`;
    const clean = sanitiseMail(html, allowRemote).html;
    return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><style>body{font-family:system-ui,sans-serif;font-size:14px;margin:8px;color:#1b2430;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${clean}</body></html>`;
  }, [html, allowRemote]);
  return <iframe class="mail-frame" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={doc} title={title} data-testid="mail-frame" referrerpolicy="no-referrer" />;
}
