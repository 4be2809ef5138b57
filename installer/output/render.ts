/** Renders rows as an aligned plain-text table: `Check · Value · Advice` style output. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c == null ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** `key: value` lines for a single record. */
export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => `${k.padEnd(width)}  ${v == null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

/** Progress lines go to stderr so that stdout stays clean for --json. */
export interface Progress {
  step(name: string): void;
  done(detail?: string): void;
  fail(detail: string): void;
  info(line: string): void;
}

export function stderrProgress(enabled = true): Progress {
  let current = '';
  const write = (s: string) => enabled && process.stderr.write(s);
  return {
    step(name) {
      current = name;
      write(`  … ${name}\n`);
    },
    done(detail) {
      write(`  ✔ ${current}${detail ? ` — ${detail}` : ''}\n`);
    },
    fail(detail) {
      write(`  ✘ ${current}: ${detail}\n`);
    },
    info(line) {
      write(`    ${line}\n`);
    },
  };
}

export const silentProgress: Progress = { step() {}, done() {}, fail() {}, info() {} };
