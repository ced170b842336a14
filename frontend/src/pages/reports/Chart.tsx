import { useEffect, useRef, useState } from 'react';
import type { Chart as ChartType, ChartConfiguration, Plugin } from 'chart.js';
import { useT } from '../../i18n';

/** chart.js, loaded on first use only (its own chunk: the first page's JavaScript stays as it is). */
let loading: Promise<typeof import('chart.js')> | null = null;
function loadChartJs() {
  loading ??= import('chart.js').then((m) => {
    m.Chart.register(m.BarController, m.BarElement, m.LineController, m.LineElement, m.PointElement, m.CategoryScale, m.LinearScale, m.Legend, m.Tooltip);
    return m;
  });
  return loading;
}

/** Shaded spans over a category axis (e.g. work periods over days): [first index, last index, label]. */
export function spansPlugin(spans: readonly (readonly [number, number, string])[]): Plugin<'bar'> {
  return {
    id: 'spans',
    beforeDatasetsDraw(chart) {
      const x = chart.scales.x;
      const { top, bottom } = chart.chartArea;
      if (!x) return;
      const ctx = chart.ctx;
      const band = x.width / Math.max(1, x.ticks.length);
      ctx.save();
      spans.forEach(([from, to, label], i) => {
        const left = x.getPixelForValue(from) - band / 2;
        const right = x.getPixelForValue(to) + band / 2;
        ctx.fillStyle = i % 2 === 0 ? 'rgba(250, 173, 20, 0.15)' : 'rgba(82, 196, 26, 0.15)';
        ctx.fillRect(left, top, right - left, bottom - top);
        ctx.fillStyle = '#614700';
        ctx.font = '12px sans-serif';
        ctx.fillText(label, left + 4, top + 14 + (i % 3) * 14);
      });
      ctx.restore();
    },
  };
}

/**
 * A chart drawn by chart.js on a canvas (`role="img"` with `label`; the page shows the same
 * figures as a table beside it). Nothing is drawn where a canvas has no 2D context (tests).
 */
export function Chart({ config, label, height = 280 }: { config: ChartConfiguration<'bar'>; label: string; height?: number }) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart: ChartType<'bar'> | undefined;
    let cancelled = false;
    loadChartJs()
      .then((m) => {
        const el = canvas.current;
        if (cancelled || !el || !el.getContext?.('2d')) return;
        chart = new m.Chart(el, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [config]);
  if (failed) return <p>{t('圖表無法載入，請參考下表。', 'The chart could not be loaded; see the table.')}</p>;
  return (
    <div style={{ position: 'relative', height, marginBottom: 16 }}>
      <canvas ref={canvas} role="img" aria-label={label} data-testid="chart" />
    </div>
  );
}
