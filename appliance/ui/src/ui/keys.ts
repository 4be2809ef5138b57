import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../i18n.js';

/**
 * Keyboard shortcuts. A combo is `mod+k` (Ctrl, or ⌘ on a Mac), `alt+h`, `/`, `?`, `escape`.
 * Letters match the physical key (`event.code`), so they work in a Cyrillic layout too. While
 * the user types in a field, only combos with Ctrl/Alt/⌘ fire — a shortcut never eats text and
 * never moves focus on its own.
 */
export interface Shortcut {
  combo: string;
  label: MessageKey;
  run: (event: KeyboardEvent) => void;
}

const active: Shortcut[] = [];

export function editableTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes((el as HTMLInputElement).type);
  return false;
}

export function matches(combo: string, event: KeyboardEvent): boolean {
  const parts = combo.toLowerCase().split('+');
  const key = parts.pop()!;
  const mod = parts.includes('mod');
  const wantCtrl = parts.includes('ctrl') || (mod && !isMac());
  const wantMeta = parts.includes('meta') || (mod && isMac());
  if (event.ctrlKey !== wantCtrl || event.metaKey !== wantMeta || event.altKey !== parts.includes('alt')) return false;
  if (/^[a-z]$/.test(key)) return event.code === `Key${key.toUpperCase()}` && event.shiftKey === parts.includes('shift');
  if (/^[0-9]$/.test(key)) return event.code === `Digit${key}`;
  if (key === '/') return event.key === '/' || (event.code === 'Slash' && !event.shiftKey);
  if (key === '?') return event.key === '?';
  return event.key.toLowerCase() === key;
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const typing = editableTarget(event.target);
  // Latest registered first: a page's shortcut wins over the shell's.
  for (let i = active.length - 1; i >= 0; i--) {
    const s = active[i]!;
    const modified = /(^|\+)(mod|ctrl|alt|meta)\+/.test(s.combo.toLowerCase());
    if (typing && !modified) continue;
    if (matches(s.combo, event)) {
      event.preventDefault();
      s.run(event);
      return;
    }
  }
}

let listening = false;

export function registerShortcut(shortcut: Shortcut): () => void {
  if (!listening) {
    document.addEventListener('keydown', onKeyDown);
    listening = true;
  }
  active.push(shortcut);
  return () => {
    const i = active.indexOf(shortcut);
    if (i >= 0) active.splice(i, 1);
  };
}

/** The shortcuts in force now, for the help dialog (`?`). */
export function activeShortcuts(): readonly Shortcut[] {
  return [...active];
}

/** A shortcut alive while the component is mounted; the handler may change between renders. */
export function useShortcut(combo: string, label: MessageKey, run: (event: KeyboardEvent) => void, enabled = true): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => (enabled ? registerShortcut({ combo, label, run: (e) => latest.current(e) }) : undefined), [combo, label, enabled]);
}

/** How a combo is written for people: `Ctrl+K`, `Alt+H`. */
export function comboLabel(combo: string): string {
  return combo
    .split('+')
    .map((p) => (p === 'mod' ? (isMac() ? '⌘' : 'Ctrl') : p.length === 1 ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1)))
    .join('+');
}
