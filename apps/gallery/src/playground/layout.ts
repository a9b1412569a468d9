/**
 * The playground page's layout: header, toolbar, the settings form beside the views, the model overview
 * and slow motion over the 2-D views, and image mode's views. Each view is a figure with a title, its
 * canvas or chart, and a caption; the figures have ids so slow motion can light them.
 */
import classifierInfo from '@ganforge/trainer/models/fmnist-classifier-v1/info.json';
import fashionNotice from '@ganforge/trainer/data/fashion-mnist/README.md?raw';
import { el } from '../dom';

export interface PageParts {
  toolbar: HTMLElement;
  statusLine: HTMLElement;
  errorBox: HTMLElement;
  controls: HTMLElement;
  slowPanel: HTMLElement;
  pointViews: HTMLElement;
  imageViews: HTMLElement;
  samples: { canvas: HTMLElement; toggles: HTMLElement };
  heatmap: HTMLElement;
  transport: HTMLElement;
  curves: HTMLElement;
  metrics: HTMLElement;
  generatedGrid: HTMLElement;
  realGrid: HTMLElement;
  coverage: HTMLElement;
}

export function figure(title: string, caption: string, id: string, ...body: HTMLElement[]): HTMLElement {
  return el(
    'figure',
    { class: 'pg-view', attrs: { id } },
    el('h2', { text: title }),
    ...body,
    el('figcaption', { text: caption }),
  );
}

/** Lays the page out; returns the curves' figure (it moves between the modes) and the image count's text. */
export function layout(
  app: HTMLElement,
  p: PageParts,
): { curvesFigure: HTMLElement; imageCountText: HTMLElement } {
  document.title = 'GANForge playground';
  app.replaceChildren(
    el(
      'header',
      { class: 'page-head' },
      el('nav', {}, el('a', { attrs: { href: './' }, text: '← gallery' })),
      el('h1', { text: 'GAN playground' }),
      el(
        'p',
        { class: 'intro' },
        'A GAN trains on 2-D data in your browser while you watch: the discriminator’s judgement of the plane, where the generator sends its latent grid and which way its gradients push each point, the losses and the distance between the real and generated sets. Step D and G apart, or walk a step through its stages in slow motion. Image mode trains the trainer’s MLP GAN or DCGAN on Fashion-MNIST. Export the generator as ONNX when you like it.',
      ),
    ),
    p.toolbar,
    p.statusLine,
    p.errorBox,
    el(
      'div',
      { class: 'pg-main' },
      p.controls,
      el('div', { class: 'pg-all-views' }, p.slowPanel, p.pointViews, p.imageViews),
    ),
  );
  const curvesFigure = figure(
    'Training curves',
    'Mean losses and D’s accuracy between two drawn frames. Drag across a chart to zoom in.',
    'pg-fig-curves',
    p.curves,
  );
  p.pointViews.append(
    figure(
      'Real and generated',
      'Green: real data. Purple: G(z) for 1000 fixed latents. Pink: −∂L_G/∂x at the first 300, the way G’s next update moves them. Switch the layers above.',
      'pg-fig-samples',
      p.samples.toggles,
      p.samples.canvas,
    ),
    figure(
      'Discriminator',
      'D’s output over the plane: green where it says real, purple where it says fake.',
      'pg-fig-heatmap',
      p.heatmap,
    ),
    figure(
      'Generator transport',
      'A grid of latent points (z₁, z₂ over the noise’s range, other coordinates 0) and where G sends it.',
      'pg-fig-transport',
      p.transport,
    ),
    curvesFigure,
    figure(
      'Distance to the real data',
      'The project’s 2-D metrics on 1000 generated points: mode collapse keeps grid JS high, and the modes line says which modes of the ring or grid G reaches.',
      'pg-fig-metrics',
      p.metrics,
    ),
  );
  const imageCountText = el('span', { text: 'Fashion-MNIST test images it trains on.' });
  const notice = el(
    'details',
    { class: 'pg-notice' },
    el('summary', { text: 'Fashion-MNIST: MIT License, © 2017 Zalando SE' }),
    el('pre', { text: fashionNotice }),
  );
  p.imageViews.append(
    figure(
      'Generated',
      'G(z) for 64 fixed latents, redrawn as it trains (inference mode, as the export runs it).',
      'pg-fig-generated',
      p.generatedGrid,
    ),
    el(
      'figure',
      { class: 'pg-view', attrs: { id: 'pg-fig-real' } },
      el('h2', { text: 'Real' }),
      p.realGrid,
      el('figcaption', {}, imageCountText, ' ', notice),
    ),
    figure(
      'Class coverage',
      `The evaluator’s classifier (the trainer’s, ${Math.round(classifierInfo.testAccuracy * 1000) / 10}% test accuracy) sorts 500 generated images every 200 steps; a class counts as covered with at least a quarter of its even share.`,
      'pg-fig-coverage',
      p.coverage,
    ),
  );
  p.imageViews.hidden = true;
  return { curvesFigure, imageCountText };
}
