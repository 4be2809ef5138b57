import { signal } from '@preact/signals';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'contactbox.theme';

/** The user's choice; `system` follows the operating system's light/dark setting. */
export const theme = signal<ThemeChoice>('system');
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

function apply(): void {
  const dark = theme.value === 'dark' || (theme.value === 'system' && Boolean(media?.matches));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function initTheme(storage: Storage): void {
  const saved = storage.getItem(KEY);
  theme.value = saved === 'light' || saved === 'dark' ? saved : 'system';
  media?.addEventListener('change', apply);
  apply();
  theme.subscribe(() => {
    apply();
    if (theme.value === 'system') storage.removeItem(KEY);
    else storage.setItem(KEY, theme.value);
  });
}

export function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}
