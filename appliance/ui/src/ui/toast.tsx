import { signal } from '@preact/signals';
import { X } from 'lucide-preact';
import { useT } from '../app/session.js';
import type { Tone } from './badge.js';

interface Toast {
  id: number;
  text: string;
  tone: Tone;
}

const toasts = signal<Toast[]>([]);
let nextId = 1;

/**
 * A short message in the corner that never takes focus (the operator keeps typing). Errors stay
 * until dismissed; the rest fade after 6 s.
 */
export function toast(text: string, tone: Tone = 'info'): void {
  const id = nextId++;
  toasts.value = [...toasts.value.slice(-4), { id, text, tone }];
  if (tone !== 'danger') setTimeout(() => dismiss(id), 6000);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

/** Mounted once by the shell. */
export function Toaster() {
  const t = useT();
  return (
    <div class="toasts" aria-live="polite" data-testid="toasts">
      {toasts.value.map((item) => (
        <div key={item.id} class={`toast tone-${item.tone}`} role={item.tone === 'danger' ? 'alert' : 'status'} data-testid="toast">
          <span>{item.text}</span>
          <button type="button" class="icon-button" aria-label={t('common.dismiss')} onClick={() => dismiss(item.id)}>
            <X size={16} aria-hidden="true" />
          </button>
        </div>
      ))}
    </div>
  );
}
