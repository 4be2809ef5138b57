import './errors.js';
import { AppError } from '../core/errors.js';

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes with "" for a quote, CRLF or
 * LF line ends, a UTF-8 BOM tolerated. Small on purpose; what contacts need and nothing more.
 */
export function parseCsv(text: string, maxRows: number): { line: number; cells: string[] }[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    // Blank lines (one empty cell) are skipped; spreadsheets leave them at the end.
    if (!(cells.length === 1 && cells[0] === '')) {
      if (rows.length >= maxRows + 1) throw new AppError('CSV_TOO_MANY_ROWS', { max: maxRows });
      rows.push({ line: rowLine, cells });
    }
    cells = [];
    cell = '';
    afterQuote = false;
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      afterQuote = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (ch === '"') {
      if (cell !== '' || afterQuote) throw new AppError('CSV_MALFORMED', { line });
      quoted = true;
    } else {
      if (afterQuote) throw new AppError('CSV_MALFORMED', { line });
      cell += ch;
    }
  }
  if (quoted) throw new AppError('CSV_MALFORMED', { line: rowLine });
  if (cell !== '' || cells.length) endRow();
  return rows;
}

/**
 * One CSV field. Text a spreadsheet would run as a formula (= + - @ at the start) gets a leading
 * apostrophe, so an exported name like `=HYPERLINK(…)` stays text when the file is opened.
 */
export function csvField(value: string, { formulaSafe = true } = {}): string {
  let v = value;
  if (formulaSafe && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(fields: readonly string[], formulaSafe: readonly boolean[] = []): string {
  return `${fields.map((f, i) => csvField(f, { formulaSafe: formulaSafe[i] ?? true })).join(',')}\r\n`;
}

/** Several values in one cell (phones, e-mails, tags) are separated by semicolons. */
export function splitMulti(cell: string | undefined): string[] {
  return (cell ?? '').split(';').map((v) => v.trim()).filter(Boolean);
}
