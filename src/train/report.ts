// The run report: metrics per task and group (markdown) and the loss curve (a small SVG drawn by
// hand: a polyline needs no charting library).
import type { TrainState } from './checkpoint.js';
import { cellText, metricText, type Evaluation } from './evaluate.js';

export function lossSvg(losses: TrainState['losses'], width = 640, height = 320): string {
  const pad = 48;
  if (losses.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="20" y="40">no steps</text></svg>\n`;
  const xs = losses.map((l) => l.step);
  const ys = losses.map((l) => l.loss);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys, Math.min(...ys) + 1e-6)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0)) * (width - 2 * pad);
  const sy = (y: number) => height - pad - ((y - y0) / (y1 - y0)) * (height - 2 * pad);
  const pts = losses.map((l) => `${sx(l.step).toFixed(1)},${sy(l.loss).toFixed(1)}`).join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="black"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 12}" text-anchor="middle">step</text>`,
    `<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">training loss</text>`,
    `<text x="${pad - 4}" y="${sy(y1) + 4}" text-anchor="end">${y1.toFixed(3)}</text>`,
    `<text x="${pad - 4}" y="${sy(y0) + 4}" text-anchor="end">${y0.toFixed(3)}</text>`,
    `<text x="${sx(x1)}" y="${height - pad + 16}" text-anchor="end">${x1}</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${pts}"/>`,
    '</svg>',
    '',
  ].join('\n');
}

export function reportMarkdown(model: string, source: string, e: Evaluation, state: TrainState, extra: string[]): string {
  const lines = [`# ${model}: training report`, '', `data: ${source}`, `steps: ${state.step}, epochs: ${state.epoch}`, ...extra, ''];
  for (const [task, groups] of Object.entries(e.tasks)) {
    const cols = [...new Set(Object.values(groups).flatMap((r) => Object.keys(r)))];
    lines.push(`## task ${task}`, '', `| group | ${cols.join(' | ')} |`, `| --- | ${cols.map(() => '---:').join(' | ')} |`);
    for (const [g, r] of Object.entries(groups)) lines.push(`| ${g} | ${cols.map((c) => cellText(r, c)).join(' | ')} |`);
    lines.push('');
  }
  if (state.history.length > 1) {
    // Validation per epoch, overall rows only: how the run got to the final numbers.
    const cols = [...new Set(state.history.flatMap((h) => Object.entries((h.metrics as Evaluation).tasks).flatMap(([t, g]) => Object.keys(g.all ?? {}).filter((k) => k !== 'n').map((k) => `${t} ${k}`))))];
    lines.push('## validation per epoch', '', `| epoch | ${cols.join(' | ')} |`, `| ---: | ${cols.map(() => '---:').join(' | ')} |`);
    for (const h of state.history) {
      const tasks = (h.metrics as Evaluation).tasks;
      lines.push(`| ${h.epoch} | ${cols.map((c) => {
        const [t, k] = [c.slice(0, c.indexOf(' ')), c.slice(c.indexOf(' ') + 1)];
        const v = tasks[t]?.all?.[k];
        return v === undefined ? '' : metricText(v);
      }).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('![training loss](loss.svg)', '');
  return lines.join('\n');
}
