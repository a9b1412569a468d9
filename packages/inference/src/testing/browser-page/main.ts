/// <reference lib="dom" />
/**
 * A tiny app that imports the SDK by its package name, as any app would; Vite's "browser" condition
 * picks src/browser.ts. The browser test calls window.ganforgeRun and compares the results with Node.
 */
import { drawToCanvas, loadGenerator, toGridImageData } from '@ganforge/inference';
import type { LoadOptions, SampleOptions } from '@ganforge/inference';

export interface PageRun {
  info: { latentDim: number; kind: string };
  /** The execution provider the session ran on. */
  provider: string | undefined;
  latents: number[];
  pixels: number[];
  /** The first image drawn on the page's canvas (drawToCanvas), read back. */
  rgba: number[];
  /** toGridImageData of all images (columns 2, padding 1). */
  grid: { width: number; height: number; data: number[] };
}

declare global {
  interface Window {
    ganforgeRun: (model: string, opts: SampleOptions, load?: LoadOptions) => Promise<PageRun>;
    ganforgeReady: boolean;
  }
}

window.ganforgeRun = async (model, opts, load = {}) => {
  const g = await loadGenerator(new URL(model, document.baseURI).href, {
    wasmPaths: new URL('ort/', document.baseURI).href,
    ...load,
  });
  try {
    const r = await g.sample(opts);
    if (r.kind !== 'image') throw new Error('expected an image generator');
    const canvas = document.getElementById('out') as HTMLCanvasElement;
    drawToCanvas(r, canvas);
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const grid = toGridImageData(r, { columns: 2, padding: 1 });
    return {
      info: { latentDim: g.info.latentDim, kind: g.info.kind },
      provider: g.info.executionProvider,
      latents: Array.from(r.latents),
      pixels: Array.from(r.pixels),
      rgba: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data),
      grid: { width: grid.width, height: grid.height, data: Array.from(grid.data) },
    };
  } finally {
    await g.dispose();
  }
};
window.ganforgeReady = true;
