import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or only those whose name contains an
 * argument) and prints each figure with the baseline measured in the same run and their ratio.
 * A bench module's default export returns its figures.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The same-run baseline this figure is compared with, if any. */
  baseline?: { name: string; value: number };
  /** Targets the issue names: minimum value and/or minimum ratio to the baseline; or a maximum. */
  target?: { min?: number; minRatio?: number; max?: number };
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<BenchFigure[]> };
  const figures = await mod.default();
  for (const f of figures) {
    const ratio = f.baseline ? f.value / f.baseline.value : undefined;
    const okMin = f.target?.min === undefined || f.value >= f.target.min;
    const okMax = f.target?.max === undefined || f.value <= f.target.max;
    const okRatio = f.target?.minRatio === undefined || (ratio !== undefined && ratio >= f.target.minRatio);
    const ok = okMin && okMax && okRatio;
    if (f.target && !ok) failed++;
    const parts = [`${f.name}: ${round(f.value)} ${f.unit}`];
    if (f.baseline) parts.push(`baseline ${f.baseline.name}: ${round(f.baseline.value)} ${f.unit}`, `ratio ${ratio!.toFixed(2)}`);
    if (f.target) {
      const t = [f.target.min !== undefined ? `≥ ${f.target.min}` : '', f.target.max !== undefined ? `≤ ${f.target.max}` : '', f.target.minRatio !== undefined ? `ratio ≥ ${f.target.minRatio}` : ''].filter(Boolean).join(', ');
      parts.push(`target ${t}: ${ok ? 'MET' : 'MISSED'}`);
    }
    process.stdout.write(`  ${parts.join(' · ')}\n`);
  }
}
process.stdout.write(`\n${failed === 0 ? 'all targets met' : `${failed} target(s) missed`}\n`);
process.exitCode = failed === 0 ? 0 : 1;

function round(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
