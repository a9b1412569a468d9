/** Pictures a run writes: image sample grids and real-vs-generated scatter plots, as PNG via sharp. */
import { countEpochs, describeEpochs, type EpochCount } from '@ganforge/contracts';
import sharp from 'sharp';

/** Tiles N images (HWC, values in [lo, hi]) into a grid PNG with a 2-pixel gap, scaled up `scale` times. */
export async function imageGridPng(
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  channels: number,
  range: [number, number] = [-1, 1],
  scale = 2,
  cols = Math.ceil(Math.sqrt(count)),
): Promise<Buffer> {
  const rows = Math.ceil(count / cols);
  const gap = 2;
  const gw = cols * (width + gap) + gap;
  const gh = rows * (height + gap) + gap;
  const outC = channels === 1 ? 1 : 3;
  const grid = new Uint8Array(gw * gh * outC).fill(255);
  const [lo, hi] = range;
  for (let n = 0; n < count; n++) {
    const ox = gap + (n % cols) * (width + gap);
    const oy = gap + Math.floor(n / cols) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < outC; c++) {
          const v = images[((n * height + y) * width + x) * channels + Math.min(c, channels - 1)]!;
          const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
          grid[((oy + y) * gw + ox + x) * outC + c] = Math.round(t * 255);
        }
      }
    }
  }
  return sharp(grid, { raw: { width: gw, height: gh, channels: outC } })
    .resize(gw * scale, gh * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Real (blue) vs generated (orange) 2-D points, as in the d2l chapter's figure. */
export async function scatterPng(
  real: Float32Array,
  fake: Float32Array,
  title: string,
  size = 480,
): Promise<Buffer> {
  const all = [real, fake];
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const pts of all) {
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const x = pts[i]!;
      const y = pts[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xmin = Math.min(xmin, x);
      xmax = Math.max(xmax, x);
      ymin = Math.min(ymin, y);
      ymax = Math.max(ymax, y);
    }
  }
  if (!Number.isFinite(xmin)) [xmin, xmax, ymin, ymax] = [-1, 1, -1, 1];
  const pad = 40;
  const sx = (x: number) => pad + ((x - xmin) / (xmax - xmin || 1)) * (size - 2 * pad);
  const sy = (y: number) => size - pad - ((y - ymin) / (ymax - ymin || 1)) * (size - 2 * pad);
  const dots = (pts: Float32Array, color: string) => {
    const out: string[] = [];
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const x = pts[i]!;
      const y = pts[i + 1]!;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        out.push(
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${color}" fill-opacity="0.6"/>`,
        );
      }
    }
    return out.join('');
  };
  const tick = (v: number) => (Math.abs(v) >= 100 ? v.toExponential(1) : v.toFixed(1));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
<rect width="100%" height="100%" fill="white"/>
<rect x="${pad}" y="${pad}" width="${size - 2 * pad}" height="${size - 2 * pad}" fill="none" stroke="#999"/>
${dots(real, '#1f77b4')}${dots(fake, '#ff7f0e')}
<g font-family="sans-serif" font-size="12" fill="#333">
<text x="${size / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>
<text x="${pad}" y="${size - pad + 16}">${tick(xmin)}</text>
<text x="${size - pad}" y="${size - pad + 16}" text-anchor="end">${tick(xmax)}</text>
<text x="${pad - 4}" y="${size - pad}" text-anchor="end">${tick(ymin)}</text>
<text x="${pad - 4}" y="${pad + 10}" text-anchor="end">${tick(ymax)}</text>
<circle cx="${size - pad - 90}" cy="${pad + 14}" r="4" fill="#1f77b4"/><text x="${size - pad - 82}" y="${pad + 18}">real</text>
<circle cx="${size - pad - 40}" cy="${pad + 14}" r="4" fill="#ff7f0e"/><text x="${size - pad - 32}" y="${pad + 18}">generated</text>
</g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

type CurveInput = { step: number; lossD: number; lossG: number | null }[];
type EpochInput = { epoch?: number; step: number; lossD: number; lossG: number }[];

/**
 * The epochs the plot covers, counted as the card and the train command count them (a part last epoch
 * included, with its steps). Steps per epoch: given, or read off a whole epoch's record (every record but
 * the last is one: only a run's last epoch can be cut short).
 */
export function plottedEpochs(epochs: EpochInput, stepsPerEpoch?: number): EpochCount {
  const last = epochs.at(-1);
  if (!last) return { epochs: 0 };
  const first = epochs[0]!;
  const perEpoch = stepsPerEpoch ?? (epochs.length > 1 && first.epoch ? first.step / first.epoch : undefined);
  if (!perEpoch || !Number.isInteger(perEpoch)) return { epochs: last.epoch ?? epochs.length };
  return countEpochs(last.step, perEpoch);
}

/** Loss curves (D and G) against the step, as PNG: the fine-grained curve points plus the epoch means. */
export async function lossCurvePng(...args: Parameters<typeof lossCurveSvg>): Promise<Buffer> {
  return sharp(Buffer.from(lossCurveSvg(...args)))
    .png()
    .toBuffer();
}

/**
 * The loss plot as SVG. Every epoch's mean is a dot, a part last epoch's too (at the step it reached);
 * the caption counts the epochs the way the model card does: "2 epochs (the last 59/125 steps)".
 */
export function lossCurveSvg(
  curve: CurveInput,
  epochs: EpochInput,
  title: string,
  width = 640,
  height = 360,
  stepsPerEpoch?: number,
): string {
  const pad = { l: 56, r: 16, t: 32, b: 36 };
  const ys = [
    ...curve.flatMap((p) => [p.lossD, p.lossG ?? p.lossD]),
    ...epochs.flatMap((e) => [e.lossD, e.lossG]),
  ].filter(Number.isFinite);
  const xs = [...curve.map((p) => p.step), ...epochs.map((e) => e.step)];
  const xmax = Math.max(1, ...xs);
  let ymin = ys.length ? Math.min(...ys) : 0;
  let ymax = ys.length ? Math.max(...ys) : 1;
  if (ymax - ymin < 1e-9) [ymin, ymax] = [ymin - 0.5, ymax + 0.5];
  const sx = (x: number) => pad.l + (x / xmax) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - ((y - ymin) / (ymax - ymin)) * (height - pad.t - pad.b);
  const line = (pts: [number, number][], color: string, w: number) =>
    pts.length
      ? `<polyline fill="none" stroke="${color}" stroke-width="${w}" points="${pts
          .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
          .join(' ')}"/>`
      : '';
  const dPts = curve
    .filter((p) => Number.isFinite(p.lossD))
    .map((p) => [p.step, p.lossD] as [number, number]);
  const gPts = curve
    .filter((p) => p.lossG !== null && Number.isFinite(p.lossG))
    .map((p) => [p.step, p.lossG!] as [number, number]);
  const dots = (pts: [number, number][], color: string) =>
    pts
      .map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${color}"/>`)
      .join('');
  const ticks = Array.from({ length: 5 }, (_, i) => ymin + ((ymax - ymin) * i) / 4);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="white"/>
${ticks.map((t) => `<line x1="${pad.l}" x2="${width - pad.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`).join('')}
<rect x="${pad.l}" y="${pad.t}" width="${width - pad.l - pad.r}" height="${height - pad.t - pad.b}" fill="none" stroke="#999"/>
${line(dPts, '#1f77b4', 1.5)}${line(gPts, '#ff7f0e', 1.5)}
${dots(
  epochs.map((e) => [e.step, e.lossD]),
  '#1f77b4',
)}${dots(
    epochs.map((e) => [e.step, e.lossG]),
    '#ff7f0e',
  )}
<g font-family="sans-serif" font-size="12" fill="#333">
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>
${ticks.map((t) => `<text x="${pad.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t.toFixed(2)}</text>`).join('')}
<text x="${pad.l}" y="${height - 12}">step 0</text>
<text x="${width - pad.r}" y="${height - 12}" text-anchor="end">step ${xmax}</text>
<rect x="${width - pad.r - 150}" y="${pad.t + 8}" width="12" height="3" fill="#1f77b4"/><text x="${width - pad.r - 132}" y="${pad.t + 14}">loss_D</text>
<rect x="${width - pad.r - 80}" y="${pad.t + 8}" width="12" height="3" fill="#ff7f0e"/><text x="${width - pad.r - 62}" y="${pad.t + 14}">loss_G</text>
<text x="${width / 2}" y="${height - 12}" text-anchor="middle" fill="#777">dots: epoch means · ${escapeXml(describeEpochs(plottedEpochs(epochs, stepsPerEpoch)))}</text>
</g></svg>`;
  return svg;
}
