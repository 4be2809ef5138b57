/**
 * Arrow-key movement in a list: put `onKeyDown={listKeys}` on the list and `data-list-item` on
 * each focusable row (a button or link). ↑/↓ move, Home/End jump; Enter/Space are the row's own.
 * Works for `h()` views too: `el.addEventListener('keydown', listKeys)`.
 */
export function listKeys(event: KeyboardEvent): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
  const list = event.currentTarget as HTMLElement;
  const items = [...list.querySelectorAll<HTMLElement>('[data-list-item]')].filter((el) => !el.hidden && !(el as HTMLButtonElement).disabled);
  if (items.length === 0) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  let next = at;
  if (event.key === 'ArrowDown') next = at < 0 ? 0 : Math.min(at + 1, items.length - 1);
  else if (event.key === 'ArrowUp') next = at < 0 ? items.length - 1 : Math.max(at - 1, 0);
  else if (event.key === 'Home') next = 0;
  else next = items.length - 1;
  event.preventDefault();
  items[next]!.focus();
  items[next]!.scrollIntoView({ block: 'nearest' });
}
