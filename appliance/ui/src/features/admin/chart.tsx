import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  /** Bars instead of a line. */
  bars?: boolean;
  dash?: number[];
}

/**
 * A time chart (uPlot: a few tens of kB, canvas, maintained) for the licence's sessions per hour
 * and the storage forecast. `x` are Unix seconds; labels come translated from the page.
 */
export function TimeChart({ x, series, yLabel, format, testid }: { x: number[]; series: Series[]; yLabel: string; format?: (v: number) => string; testid: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    const width = Math.max(320, Math.min(900, el.clientWidth || 720));
    const plot = new uPlot(
      {
        width,
        height: 220,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            dash: s.dash,
            fill: s.bars ? `${s.color}55` : undefined,
            paths: s.bars ? uPlot.paths.bars!({ size: [0.8, 24] }) : undefined,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format ? format(v) : String(v)),
          })),
        ],
        axes: [{}, { label: yLabel, size: 70, values: (_u, ticks) => ticks.map((v) => (format ? format(v) : String(v))) }],
        scales: { y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max)] } },
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [x, series]);
  return <div ref={ref} class="chart" data-testid={testid} />;
}
