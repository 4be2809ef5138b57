import { basename, isAbsolute, join, relative } from 'node:path';
import type { FilesPort } from '../ports/asterisk.js';
import type { RenderedFile } from './render.js';

/**
 * What provisioning will change in /etc/asterisk, computed before anything is written: our
 * own `*_contactbox.conf` files (rewritten whole) and one include line in each main file
 * (added once; the administrator's lines around it are kept byte for byte).
 */
export interface PlannedFile {
  path: string;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'remove';
  before: string | null;
  after: string;
  /**
   * Our generated file, the admin's main file that only gets an include line, or one of our
   * files left where an earlier version kept them (removed once they live in their own folder).
   */
  role: 'ours' | 'main' | 'stale';
}

const includeLine = (name: string) => `#tryinclude ${name}`;

export function hasInclude(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[ \\t]*#(try)?include[ \\t]+"?(\\S*/)?${escaped}"?[ \\t]*(;.*)?$`, 'm').test(text);
}

/**
 * The main file with our include line appended once (and a `[general]` for `[general](+)` if it
 * has none). `path` is what the line names (`pjsip_contactbox.conf`, or `contactbox/pjsip_contactbox.conf`
 * when our files have their own folder); a line naming our file elsewhere is pointed at `path`.
 */
export function ensureInclude(main: string | null, path: string, needsGeneral: boolean): string {
  const text = main ?? '';
  const name = basename(path);
  if (path === name ? hasInclude(text, name) : text.split('\n').some((l) => hasInclude(l, name) && includedPath(l) === path)) return text;
  if (hasInclude(text, name)) return text.split('\n').map((l) => (hasInclude(l, name) ? includeLine(path) : l)).join('\n');
  const lines: string[] = [];
  if (needsGeneral && !/^[ \t]*\[general\]/m.test(text)) lines.push('[general]');
  lines.push(OUR_COMMENT, includeLine(path));
  const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${sep}${lines.join('\n')}\n`;
}

/** The path an include line names. */
const includedPath = (line: string) => /#(?:try)?include[ \t]+"?([^"\s]+)"?/.exec(line)?.[1] ?? '';

const OUR_COMMENT = "; contactbox's settings (rewritten by contactbox; add your own outside that file)";

/** The main file without our include line (and the comment we put above it); other lines untouched. */
export function removeInclude(text: string, name: string): string {
  const out: string[] = [];
  let changed = false;
  for (const line of text.split('\n')) {
    if (hasInclude(line, name)) {
      changed = true;
      if (out.at(-1) === OUR_COMMENT) out.pop();
      if (out.at(-1) === '' && out.length > 1) out.pop();
      continue;
    }
    out.push(line);
  }
  return changed ? `${out.join('\n').replace(/\n*$/, '')}\n` : text;
}

/** What a main file's include line names for our file in `ownDir`: relative inside the configuration folder, absolute outside. */
export function includePath(etcDir: string, ownDir: string, name: string): string {
  const rel = relative(etcDir, ownDir);
  if (rel === '') return name;
  return rel.startsWith('..') || isAbsolute(rel) ? join(ownDir, name) : join(rel, name);
}

/**
 * `ownDir`: the folder of our own files (default the configuration folder itself). A local
 * install gives them a folder of their own, which the service may write without root.
 */
export function planFiles(rendered: readonly RenderedFile[], etcDir: string, files: Pick<FilesPort, 'read'>, ownDir: string = etcDir): PlannedFile[] {
  const plan: PlannedFile[] = [];
  for (const r of rendered) {
    const path = join(ownDir, r.name);
    const before = files.read(path);
    plan.push({ path, name: r.name, role: 'ours', before, after: r.content, action: before === null ? 'create' : before === r.content ? 'unchanged' : 'update' });
  }
  for (const r of rendered) {
    const path = join(etcDir, r.main);
    const before = files.read(path);
    const after = ensureInclude(before, includePath(etcDir, ownDir, r.name), r.needsGeneral);
    plan.push({ path, name: r.main, role: 'main', before, after, action: before === null ? 'create' : before === after ? 'unchanged' : 'update' });
  }
  if (join(ownDir) !== join(etcDir)) {
    // Where an earlier version kept our files: they go, so no stale copy (with its secrets) stays.
    for (const r of rendered) {
      const path = join(etcDir, r.name);
      const before = files.read(path);
      if (before !== null) plan.push({ path, name: r.name, role: 'stale', before, after: '', action: 'remove' });
    }
  }
  return plan;
}

export const changed = (plan: readonly PlannedFile[]) => plan.filter((p) => p.action !== 'unchanged');

/** A unified-looking summary for `--dry-run` and logs: which files change and by how many lines. */
export function describePlan(plan: readonly PlannedFile[]): string[] {
  return plan.map((p) => {
    if (p.action === 'unchanged') return `  ${p.path}: unchanged`;
    if (p.action === 'remove') return `  ${p.path}: removed (now in contactbox's own folder)`;
    const before = new Set((p.before ?? '').split('\n'));
    const after = new Set(p.after.split('\n'));
    const added = [...after].filter((l) => !before.has(l)).length;
    const removed = [...before].filter((l) => l !== '' && !after.has(l)).length;
    return `  ${p.path}: ${p.action} (+${added} -${removed} lines)`;
  });
}

/** Copies the current version of every file about to change into `backupDir`. */
export function backup(plan: readonly PlannedFile[], files: FilesPort, backupDir: string): void {
  files.mkdirp(backupDir);
  for (const p of changed(plan)) {
    if (p.before !== null) files.writeAtomic(join(backupDir, p.name), p.before, 0o640);
  }
}

/** Writes every changed file; `written` collects those done, so a failure part-way can undo exactly them. */
export async function apply(plan: readonly PlannedFile[], files: FilesPort, written: PlannedFile[] = []): Promise<void> {
  for (const p of changed(plan)) {
    if (p.action === 'remove') {
      files.remove(p.path);
      written.push(p);
      continue;
    }
    files.writeAtomic(p.path, p.after, 0o640);
    written.push(p);
    await files.grantAsterisk(p.path);
  }
}

/** Puts every changed file back as it was (a file we created is removed). */
export function restore(plan: readonly PlannedFile[], files: FilesPort): void {
  for (const p of changed(plan)) {
    if (p.before === null) files.remove(p.path);
    else files.writeAtomic(p.path, p.before, 0o640);
  }
}
