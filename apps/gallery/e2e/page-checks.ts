/**
 * What the gallery's browser tests read off a page: canvas summaries and differences, the sample grid
 * and the points once generated, layout problems (overflow, unnamed images, clipping, phone width) and
 * the service worker's caches.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What a set of canvases shows: a SHA-256 over their RGBA pixels, sizes and colour counts. */
export interface CanvasSummary {
  count: number;
  sizes: string[];
  digest: string;
  /** Pixels that are not (near) white, and of those the orange-ish and the blue-ish ones. */
  inked: number;
  orange: number;
  blue: number;
}

// Summarised inside the page: shipping a million numbers out through evaluate() takes seconds.
export function summarize(page: Page, selector: string): Promise<CanvasSummary> {
  return page.evaluate(async (sel) => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>(sel)];
    if (canvases.length === 0) throw new Error(`no canvas matches ${sel}`);
    const parts: Uint8ClampedArray[] = [];
    let inked = 0;
    let orange = 0;
    let blue = 0;
    for (const canvas of canvases) {
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      parts.push(data);
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
        if (r < 240 || g < 240 || b < 240) inked++;
        if (r > 200 && g > 100 && g < 200 && b < 120) orange++;
        if (b > 150 && r < 120) blue++;
      }
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.length;
    }
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
    return {
      count: canvases.length,
      sizes: [...new Set(canvases.map((c) => `${c.width}x${c.height}`))],
      digest: Array.from(hash, (x) => x.toString(16).padStart(2, '0')).join(''),
      inked,
      orange,
      blue,
    };
  }, selector);
}

/** Largest per-channel difference between two canvases of the same size. */
export function canvasDiff(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([sa, sb]) => {
      const read = (sel: string) => {
        const c = document.querySelector<HTMLCanvasElement>(sel);
        if (!c) throw new Error(`no canvas ${sel}`);
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      };
      const [x, y] = [read(sa), read(sb)];
      if (x.length !== y.length) return Infinity;
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
      return worst;
    },
    [a, b] as const,
  );
}

export async function waitForOutput(page: Page, seed: number): Promise<void> {
  await page.waitForSelector(`.output[data-state="ready"][data-seed="${seed}"]`, { timeout: 60_000 });
}

export async function samples(page: Page, seed: number): Promise<CanvasSummary> {
  await waitForOutput(page, seed);
  return summarize(page, '.output canvas');
}

export async function points(page: Page, seed: number): Promise<CanvasSummary> {
  await waitForOutput(page, seed);
  return summarize(page, 'canvas.output');
}

/** Page content wider than the viewport, and images or canvases a screen reader cannot name. */
export function layoutProblems(page: Page): Promise<{ overflow: number; unnamed: string[] }> {
  return page.evaluate(() => {
    const unnamed: string[] = [];
    for (const img of document.querySelectorAll('img')) if (!img.alt.trim()) unnamed.push(img.outerHTML);
    for (const c of document.querySelectorAll('canvas')) {
      const hidden = c.closest('[aria-hidden="true"]');
      // A canvas inside a named role="img" element (a chart) is part of that image.
      const named = c.closest('[role="img"][aria-label]');
      const inNamedButton = c.closest('button[aria-label]');
      const inClosedDialog = c.closest('dialog:not([open])');
      if (!named && !(hidden && inNamedButton) && !inClosedDialog) unnamed.push(c.outerHTML);
    }
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, unnamed };
  });
}

/**
 * Elements sticking out of their parent sideways, and boxes that clip their own content, on the page as
 * laid out now. Content inside a scroll container (a long command in its box) is fine: it scrolls.
 */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${[...e.classList].map((c) => `.${c}`).join('')}`;
    const scrolls = (e: Element | null): boolean => {
      for (let a = e; a && a !== document.body; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    const out: string[] = [];
    for (const e of document.querySelectorAll('main *')) {
      const r = e.getBoundingClientRect();
      const parent = e.parentElement;
      if (!parent || (r.width === 0 && r.height === 0) || e.closest('.visually-hidden')) continue;
      if (scrolls(parent)) continue;
      const p = parent.getBoundingClientRect();
      if (r.left < p.left - 1 || r.right > p.right + 1) {
        out.push(
          `${name(e)} [${Math.round(r.left)}, ${Math.round(r.right)}] outside ${name(parent)} [${Math.round(p.left)}, ${Math.round(p.right)}]`,
        );
      }
      const o = getComputedStyle(e).overflowX;
      // Form fields scroll their own text; only boxes that cut content off count.
      const field = e instanceof HTMLInputElement || e instanceof HTMLSelectElement;
      if (!field && (o === 'hidden' || o === 'clip') && e.scrollWidth > e.clientWidth + 1) {
        out.push(`${name(e)} clips its content (${e.scrollWidth} px in ${e.clientWidth} px)`);
      }
    }
    return out;
  });
}

/** At phone width (360 px) nothing is wider than the screen and everything is still named. */
export async function expectPhoneFit(page: Page): Promise<void> {
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    // Let the layout settle after the resize.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect({ url: page.url(), ...(await layoutProblems(page)) }).toEqual({
      url: page.url(),
      overflow: 0,
      unnamed: [],
    });
  } finally {
    if (desktop) await page.setViewportSize(desktop);
  }
}

/** The service worker's caches as the page sees them: names, saved paths, and whether it controls the page. */
export function savedFiles(page: Page): Promise<{ controlled: boolean; names: string[]; urls: string[] }> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const name of names) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return { controlled: !!navigator.serviceWorker.controller, names, urls };
  });
}
