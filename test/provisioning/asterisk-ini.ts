/**
 * A strict reader of Asterisk's config syntax, for tests: `[name]`, `[name](!)`,
 * `[name](tpl,…)`, `[name](+)`, `key = value`, `key => value`, `;` comments, `#include`.
 * Anything else is reported as a syntax error with its line number.
 */
export interface IniSection {
  name: string;
  template: boolean;
  inherits: string[];
  append: boolean;
  line: number;
  options: { key: string; value: string; arrow: boolean; line: number }[];
}

export interface IniFile {
  sections: IniSection[];
  includes: string[];
  errors: string[];
}

export function parseAsteriskIni(text: string): IniFile {
  const sections: IniSection[] = [];
  const includes: string[] = [];
  const errors: string[] = [];
  let current: IniSection | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|[^\\]);.*$/, '$1').trim();
    const n = i + 1;
    if (!line) return;
    const inc = /^#(try)?include\s+"?([^"\s]+)"?$/.exec(line);
    if (inc) {
      includes.push(inc[2]!);
      return;
    }
    const head = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (head) {
      const marks = (head[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      current = {
        name: head[1]!,
        template: marks.includes('!'),
        append: marks.includes('+'),
        inherits: marks.filter((m) => m !== '!' && m !== '+'),
        line: n,
        options: [],
      };
      sections.push(current);
      return;
    }
    const kv = /^([A-Za-z0-9_\-.]+)\s*(=>|=)\s*(.*)$/.exec(line);
    if (kv) {
      if (!current) errors.push(`line ${n}: option outside a section: ${raw}`);
      else current.options.push({ key: kv[1]!, value: kv[3]!, arrow: kv[2] === '=>', line: n });
      return;
    }
    // Dialplan continuation lines (` same => n,…`) are `key => value` too; anything else is wrong.
    errors.push(`line ${n}: not Asterisk config syntax: ${raw}`);
  });
  return { sections, includes, errors };
}

/** An option's value as Asterisk sees it after template inheritance (the last one wins). */
export function effectiveOptions(file: IniFile, section: IniSection): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (s: IniSection) => {
    for (const t of s.inherits) {
      const tpl = file.sections.find((x) => x.name === t && x.template);
      if (tpl) add(tpl);
    }
    for (const o of s.options) out.set(o.key, [...(out.get(o.key) ?? []), o.value]);
  };
  add(section);
  return out;
}

export function typeOf(file: IniFile, section: IniSection): string | undefined {
  return effectiveOptions(file, section).get('type')?.at(-1);
}
