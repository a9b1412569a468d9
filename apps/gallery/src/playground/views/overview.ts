/**
 * The model overview (GAN Lab's graph): noise → G → generated samples → D ← real samples, D's verdict →
 * D's loss and G's loss, and the gradients back to D and to G. While training runs its data flow moves
 * along the edges; in slow motion the parts the current stage uses are lit and the others dimmed, with
 * the half of the model that is not updated marked as frozen.
 */
import type { StageName, StageView } from '../protocol';

const SVG = 'http://www.w3.org/2000/svg';

type NodeKey = 'noise' | 'g' | 'fake' | 'real' | 'd' | 'verdict' | 'lossD' | 'lossG';
type EdgeKey =
  | 'noise-g'
  | 'g-fake'
  | 'fake-d'
  | 'real-d'
  | 'd-verdict'
  | 'verdict-lossD'
  | 'verdict-lossG'
  | 'lossD-d'
  | 'lossG-g';

const NODES: Record<NodeKey, { x: number; y: number; w: number; label: string }> = {
  noise: { x: 10, y: 18, w: 86, label: 'noise z' },
  g: { x: 124, y: 18, w: 60, label: 'G' },
  fake: { x: 212, y: 18, w: 108, label: 'generated G(z)' },
  real: { x: 212, y: 104, w: 108, label: 'real samples x' },
  d: { x: 350, y: 61, w: 60, label: 'D' },
  verdict: { x: 438, y: 61, w: 96, label: 'D’s verdict' },
  lossD: { x: 562, y: 18, w: 86, label: 'D’s loss' },
  lossG: { x: 562, y: 104, w: 86, label: 'G’s loss' },
};
const H = 34;

/** Edge paths between the boxes' sides (gradients curve back outside the boxes). */
const EDGES: Record<EdgeKey, string> = {
  'noise-g': 'M96 35 H124',
  'g-fake': 'M184 35 H212',
  'fake-d': 'M320 35 C335 35 335 78 350 78',
  'real-d': 'M320 121 C335 121 335 78 350 78',
  'd-verdict': 'M410 78 H438',
  'verdict-lossD': 'M534 78 C548 78 548 35 562 35',
  'verdict-lossG': 'M534 78 C548 78 548 121 562 121',
  'lossD-d': 'M605 18 V6 H380 V61',
  'lossG-g': 'M605 138 V156 H154 V52',
};

/** What each stage lights: nodes and edges (the gradient edges run backwards). */
const LIT: Record<'D' | 'G', Record<StageName, { nodes: NodeKey[]; edges: EdgeKey[] }>> = {
  D: {
    generate: { nodes: ['noise', 'g', 'fake'], edges: ['noise-g', 'g-fake'] },
    classify: { nodes: ['real', 'fake', 'd', 'verdict'], edges: ['real-d', 'fake-d', 'd-verdict'] },
    loss: { nodes: ['verdict', 'lossD'], edges: ['verdict-lossD'] },
    gradients: { nodes: ['lossD', 'd'], edges: ['lossD-d'] },
    update: { nodes: ['d'], edges: [] },
  },
  G: {
    generate: { nodes: ['noise', 'g', 'fake'], edges: ['noise-g', 'g-fake'] },
    classify: { nodes: ['fake', 'd', 'verdict'], edges: ['fake-d', 'd-verdict'] },
    loss: { nodes: ['verdict', 'lossG'], edges: ['verdict-lossG'] },
    gradients: { nodes: ['lossG', 'd', 'g'], edges: ['lossG-g'] },
    update: { nodes: ['g'], edges: [] },
  },
};

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export class Overview {
  readonly host: SVGSVGElement;
  private readonly nodes = new Map<NodeKey, SVGGElement>();
  private readonly edges = new Map<EdgeKey, SVGPathElement>();

  constructor() {
    this.host = svg('svg', {
      viewBox: '0 0 660 164',
      class: 'pg-overview',
      id: 'pg-overview',
      role: 'img',
      'aria-label':
        'Model overview: noise to G to generated samples; real and generated samples to D; D’s verdict to the losses; gradients back to D and G',
    });
    const defs = svg('defs', {});
    const marker = svg('marker', {
      id: 'pg-arrow',
      viewBox: '0 0 8 8',
      refX: '7',
      refY: '4',
      markerWidth: '7',
      markerHeight: '7',
      orient: 'auto',
    });
    marker.append(svg('path', { d: 'M0 0 L8 4 L0 8 z', class: 'pg-arrowhead' }));
    defs.append(marker);
    this.host.append(defs);
    for (const [key, d] of Object.entries(EDGES) as [EdgeKey, string][]) {
      const path = svg('path', {
        d,
        class: `pg-edge${key.startsWith('loss') ? ' pg-gradient-edge' : ''}`,
        'data-edge': key,
        'marker-end': 'url(#pg-arrow)',
      });
      this.edges.set(key, path);
      this.host.append(path);
    }
    for (const [key, n] of Object.entries(NODES) as [NodeKey, (typeof NODES)[NodeKey]][]) {
      const g = svg('g', { class: `pg-node pg-node-${key}`, 'data-node': key });
      g.append(
        svg('rect', { x: String(n.x), y: String(n.y), width: String(n.w), height: String(H), rx: '7' }),
      );
      const text = svg('text', {
        x: String(n.x + n.w / 2),
        y: String(n.y + H / 2 + 5),
        'text-anchor': 'middle',
      });
      text.textContent = n.label;
      g.append(text);
      this.nodes.set(key, g);
      this.host.append(g);
    }
  }

  /** Training runs (the data flows along every edge) or not. */
  setRunning(running: boolean): void {
    this.host.classList.toggle('running', running);
  }

  /** Lights what `stage` uses (undefined: slow motion is off, nothing lit or dimmed). */
  show(stage: StageView | undefined): void {
    this.host.classList.toggle('staged', !!stage);
    this.host.dataset['stage'] = stage ? `${stage.phase}:${stage.stage}` : '';
    const lit = stage ? LIT[stage.phase][stage.stage] : { nodes: [], edges: [] };
    for (const [key, g] of this.nodes) {
      g.classList.toggle('active', lit.nodes.includes(key));
      // The model that this half of the step does not update.
      g.classList.toggle(
        'frozen',
        !!stage && ((stage.phase === 'D' && key === 'g') || (stage.phase === 'G' && key === 'd')),
      );
    }
    for (const [key, path] of this.edges)
      path.classList.toggle('active', (lit.edges as EdgeKey[]).includes(key));
  }

  /** The lit nodes (for tests and the console). */
  active(): string[] {
    return [...this.nodes].filter(([, g]) => g.classList.contains('active')).map(([k]) => k);
  }
}
