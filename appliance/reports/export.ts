import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { BACKGROUND_THREAD } from '../core/reader.js';

export type Cell = string | number | null;
export interface Sheet {
  name: string;
  header: string[];
  rows: Cell[][];
}

/**
 * CSV and XLSX files are built on a worker thread: an export of tens of thousands of rows costs
 * seconds of CPU that must not hold the event loop. XLSX is written by exceljs (maintained,
 * streams, writes real Office Open XML that Excel and LibreOffice open); CSV is UTF-8 with a BOM
 * (Excel reads the 7 languages right) and cells that a spreadsheet would run as a formula are
 * prefixed with an apostrophe.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
${BACKGROUND_THREAD}
const ExcelJS = require(workerData.exceljs);
const FORMULA = /^[=+\\-@\\t\\r]/;
function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  let s = String(v);
  if (FORMULA.test(s) && !/^[-+]?\\d+(\\.\\d+)?$/.test(s)) s = "'" + s;
  return /[",\\r\\n;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
parentPort.on('message', async (m) => {
  try {
    if (m.format === 'csv') {
      const lines = [];
      m.sheets.forEach((sheet, i) => {
        if (i > 0) lines.push('');
        if (m.sheets.length > 1) lines.push(csvCell(sheet.name));
        lines.push(sheet.header.map(csvCell).join(','));
        for (const row of sheet.rows) lines.push(row.map(csvCell).join(','));
      });
      const buf = Buffer.from('\\ufeff' + lines.join('\\r\\n') + '\\r\\n', 'utf8');
      parentPort.postMessage({ id: m.id, data: buf });
      return;
    }
    if (m.format === 'pdf') {
      // pdfmake with its bundled Roboto (Latin, Cyrillic and accents: the seven languages).
      const pdfmake = require(workerData.pdfmake);
      if (!pdfmake.__fontsSet) {
        pdfmake.setFonts(require(workerData.pdfmakeFonts));
        pdfmake.setLocalAccessPolicy((path) => path.startsWith(workerData.pdfmakeFontsDir));
        pdfmake.urlAccessPolicy = () => false;
        pdfmake.__fontsSet = true;
      }
      const sheet = m.sheets[0];
      const doc = {
        pageSize: 'A4',
        pageOrientation: 'landscape',
        info: { title: sheet.name, creator: 'contactbox' },
        defaultStyle: { font: 'Roboto', fontSize: 8 },
        content: [
          { text: sheet.name, fontSize: 14, bold: true, margin: [0, 0, 0, 8] },
          {
            table: {
              headerRows: 1,
              widths: sheet.header.map((h, i) => (i === sheet.header.length - 2 ? '*' : 'auto')),
              body: [sheet.header.map((h) => ({ text: String(h), bold: true })), ...sheet.rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))],
            },
            layout: 'lightHorizontalLines',
          },
        ],
      };
      const data = Buffer.from(await pdfmake.createPdf(doc).getBuffer());
      parentPort.postMessage({ id: m.id, data });
      return;
    }
    const wb = new ExcelJS.Workbook();
    wb.creator = 'contactbox';
    for (const sheet of m.sheets) {
      const ws = wb.addWorksheet(sheet.name.replace(/[\\\\/?*\\[\\]:]/g, ' ').slice(0, 31) || 'Sheet');
      ws.addRow(sheet.header).font = { bold: true };
      for (const row of sheet.rows) ws.addRow(row);
      ws.columns.forEach((c, i) => { c.width = Math.min(40, Math.max(10, String(sheet.header[i] || '').length + 2)); });
      ws.views = [{ state: 'frozen', ySplit: 1 }];
    }
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    parentPort.postMessage({ id: m.id, data });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

export interface Exporter {
  /** `pdf`: the first sheet as a printed table (the KPI catalogue). */
  build(format: 'csv' | 'xlsx' | 'pdf', sheets: Sheet[]): Promise<Buffer>;
  close(): Promise<void>;
}

export function startExporter(): Exporter {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  const start = () => {
    const require = createRequire(import.meta.url);
    const pdfmakeFonts = require.resolve('pdfmake/fonts/Roboto.js');
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { exceljs: require.resolve('exceljs'), pdfmake: require.resolve('pdfmake'), pdfmakeFonts, pdfmakeFontsDir: dirname(pdfmakeFonts) },
    });
    w.on('message', (m: { id: number; data?: Uint8Array; error?: string }) => {
      const entry = waiting.get(m.id);
      if (!entry) return;
      waiting.delete(m.id);
      if (m.error !== undefined) entry.reject(new Error(m.error));
      else entry.resolve(Buffer.from(m.data!.buffer, m.data!.byteOffset, m.data!.byteLength));
    });
    w.on('error', (err) => {
      for (const e of waiting.values()) e.reject(err);
      waiting.clear();
      worker = null;
    });
    w.unref();
    return w;
  };
  return {
    build(format, sheets) {
      worker ??= start();
      const id = next++;
      const target = worker;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        target.postMessage({ id, format, sheets });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
