/** Pictures a run writes: image sample grids and real-vs-generated scatter plots, as PNG via sharp. */
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
): Promise<Buffer> {
  const cols = Math.ceil(Math.sqrt(count));
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
