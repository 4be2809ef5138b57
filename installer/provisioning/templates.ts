import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The skeletons in `asterisk-templates/`, by output file name (`pjsip_contactbox.conf`). */
export type Templates = Readonly<Record<string, string>>;

/** Finds `asterisk-templates/` next to the source tree or the built `dist/` tree. */
export function templatesDir(): string {
  for (const rel of ['../../asterisk-templates/', '../../../asterisk-templates/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}pjsip_contactbox.conf.tmpl`)) return dir;
  }
  throw new Error('asterisk-templates/ not found next to the installer');
}

export function readTemplates(dir = templatesDir()): Templates {
  const out: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.conf.tmpl')) out[file.slice(0, -'.tmpl'.length)] = readFileSync(`${dir}${file}`, 'utf8');
  }
  return out;
}

/** Replaces every `{{key}}`; a missing value or an unused one is a programming error, not output. */
export function fill(template: string, values: Readonly<Record<string, string>>, name: string): string {
  const used = new Set<string>();
  const text = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template ${name} needs {{${key}}}`);
    used.add(key);
    return values[key]!;
  });
  for (const key of Object.keys(values)) if (!used.has(key)) throw new Error(`template ${name} has no {{${key}}}`);
  // One trailing newline, no runs of blank lines left by empty blocks.
  return `${text.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
