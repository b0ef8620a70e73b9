// The chart over the list: runs started per minute in the last hour, stacked by status, and p50/p95 durations.
import { formatDuration } from './runs.js';

const SVG = 'http://www.w3.org/2000/svg';
const ORDER = ['COMPLETED', 'ERROR', 'CANCELLED', 'RUNNING', 'PENDING', 'PAUSED'];
const WIDTH = 600;
const HEIGHT = 80;

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  return e;
}

function totals(stats) {
  const t = {};
  for (const minute of stats.per_minute) {
    for (const [status, n] of Object.entries(minute)) {
      t[status] = (t[status] || 0) + n;
    }
  }
  return t;
}

/** Draws {@code stats} (GET /ui/api/stats) into the chart's figure; the text says the same for screen readers. */
export function renderChart(stats) {
  const max = Math.max(1, ...stats.per_minute.map(m => Object.values(m).reduce((a, b) => a + b, 0)));
  const bar = WIDTH / stats.minutes;
  const chart = svg('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', class: 'chart-svg',
    'aria-labelledby': 'chart-summary', preserveAspectRatio: 'none' });
  stats.per_minute.forEach((minute, i) => {
    let y = HEIGHT;
    for (const status of ORDER) {
      const n = minute[status] || 0;
      if (n === 0) {
        continue;
      }
      const h = (n / max) * (HEIGHT - 4);
      y -= h;
      const rect = svg('rect', { x: i * bar + 0.5, y, width: Math.max(1, bar - 1), height: h, class: 'bar-' + status });
      const title = svg('title', {});
      title.textContent = n + ' ' + status + ' at ' + new Date(stats.start + i * 60000)
          .toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' });
      rect.appendChild(title);
      chart.appendChild(rect);
    }
  });
  chart.appendChild(svg('line', { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: 'axis' }));
  document.getElementById('chart-plot').replaceChildren(chart);

  const t = totals(stats);
  const byStatus = ORDER.filter(s => t[s]).map(s => t[s] + ' ' + s.toLowerCase()).join(', ');
  const p = stats.p50_ms === null ? 'no run has ended'
      : 'duration p50 ' + formatDuration(stats.p50_ms) + ', p95 ' + formatDuration(stats.p95_ms);
  document.getElementById('chart-summary').textContent = stats.total + ' run' + (stats.total === 1 ? '' : 's')
      + ' started in the last hour' + (stats.truncated ? ' (the newest ' + stats.total + ' counted)' : '')
      + (byStatus ? ': ' + byStatus : '') + '; ' + p + '.';
}
