/**
 * The vocabulary of Asterisk's configuration files, as data: ini sections (`[name](template)`,
 * `key = value`) and dialplan contexts (`exten => …` / ` same => n,…`). Trunk kinds describe
 * what they need with these; the installer's provisioning turns them into text. Keeping the
 * text in one serialiser is what makes the output byte-for-byte deterministic.
 */
export type ConfValue = string | number;

export interface ConfSection {
  name: string;
  /** `[name](!)` — a template other sections inherit from. */
  template?: boolean;
  /** `[name](tpl1,tpl2)` */
  inherits?: readonly string[];
  comments?: readonly string[];
  /** Ordered `key = value` lines; a key may repeat (`member =>`, `allow`). `=>` keys keep their arrow. */
  options: readonly (readonly [string, ConfValue])[];
}

export function section(
  name: string,
  options: readonly (readonly [string, ConfValue] | null | undefined | false)[],
  extra: Omit<ConfSection, 'name' | 'options'> = {},
): ConfSection {
  return { name, ...extra, options: options.filter((o): o is readonly [string, ConfValue] => Boolean(o)) };
}

/** One dialplan step: an application call, optionally with a priority label (`n(label),App(…)`). */
export type Step = string | readonly [label: string, app: string];

export interface Extension {
  pattern: string;
  comment?: string;
  steps: readonly Step[];
}

export interface DialplanContext {
  name: string;
  comments?: readonly string[];
  includes?: readonly string[];
  extensions: readonly Extension[];
}

export function ext(pattern: string, steps: readonly Step[], comment?: string): Extension {
  return comment === undefined ? { pattern, steps } : { pattern, steps, comment };
}

export function renderSections(sections: readonly ConfSection[]): string {
  const out: string[] = [];
  for (const s of sections) {
    if (out.length) out.push('');
    for (const c of s.comments ?? []) out.push(`; ${c}`);
    const marks = [...(s.template ? ['!'] : []), ...(s.inherits ?? [])];
    out.push(`[${s.name}]${marks.length ? `(${marks.join(',')})` : ''}`);
    for (const [key, value] of s.options) {
      out.push(key.endsWith('=>') ? `${key} ${value}` : `${key} = ${value}`);
    }
  }
  return out.join('\n');
}

export function renderContexts(contexts: readonly DialplanContext[]): string {
  const out: string[] = [];
  for (const ctx of contexts) {
    if (out.length) out.push('');
    for (const c of ctx.comments ?? []) out.push(`; ${c}`);
    out.push(`[${ctx.name}]`);
    for (const inc of ctx.includes ?? []) out.push(`include => ${inc}`);
    for (const e of ctx.extensions) {
      if (e.comment) out.push(`; ${e.comment}`);
      e.steps.forEach((step, i) => {
        const [label, app] = typeof step === 'string' ? [null, step] : step;
        const prio = i === 0 ? '1' : 'n';
        const where = label ? `${prio}(${label})` : prio;
        out.push(i === 0 ? `exten => ${e.pattern},${where},${app}` : ` same => ${where},${app}`);
      });
    }
  }
  return out.join('\n');
}

/** A dialplan pattern matching every number that starts with `prefix` and has at least one more digit. */
export function prefixPattern(prefix: string): string {
  return `_${prefix.replace(/[XZN\[\]._!-]/gi, (c) => `[${c}]`)}X.`;
}
