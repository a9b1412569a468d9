/**
 * A generator's model card: a run's facts (preset, data, sizes, time, evaluation, export and parity),
 * what the ONNX graph says (inputs, outputs, layers) and how the SDK read it, and the commands that
 * reproduce the run and the samples on screen.
 */
import { el } from '../../dom';
import type { ManifestRun } from '../../manifest';
import type { GeneratorInfo } from '../../protocol';
import { formatDuration } from '../../run-facts';
import { describeEpochOf, describeProgress, runProgress } from '../../run-progress';
import { copyable } from '../../views/copy';
import { exportCommand } from './commands';
import type { Loaded, PageSource } from './loading';

function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

type Row = [string, string | HTMLElement];

function definitionList(rows: Row[]): HTMLElement {
  return el(
    'dl',
    {},
    ...rows.flatMap(([k, v]) => [
      el('dt', { text: k }),
      typeof v === 'string' ? el('dd', { text: v }) : el('dd', {}, v),
    ]),
  );
}

/** A run's facts from its model card, and the commands that reproduce it. */
function runFacts(run: ManifestRun): { rows: [string, string][]; reproduce: string[] } {
  const rows: [string, string][] = [];
  const c = run.card;
  const progress = runProgress(run);
  rows.push(
    ['preset', c.preset],
    ['dataset', `${c.dataset.name} (${c.dataset.examples} examples)`],
    ['latent dim', String(c.latentDim)],
    [
      'output',
      c.output.kind === 'image'
        ? `image ${c.output.height}×${c.output.width}×${c.output.channels}, range [${c.output.range.join(', ')}]`
        : `points, ${c.output.dims}-D`,
    ],
    ['trained', describeProgress(progress)],
    [
      'parameters (G / D)',
      `${c.generatorParams.toLocaleString('en')} / ${c.discriminatorParams.toLocaleString('en')}`,
    ],
    ['training time', formatDuration(c.wallTimeSec)],
  );
  // Third-party training data keeps its notice wherever its run is shown (the emoji set's, for one).
  if (c.dataset.license) rows.push(['data license', c.dataset.license]);
  if (c.classNames?.length) rows.push(['classes', c.classNames.join(', ')]);
  if (c.evaluation) {
    // eval.* figures mean nothing without the features and reference they were measured in.
    const e = c.evaluation;
    rows.push([
      'evaluation',
      `eval.* by ${e.evaluator} against ${e.reference}, ${e.samples} samples, after ${describeEpochOf(progress, e.epoch)}`,
    ]);
  }
  // The final figures are under "How good is it", in words.
  if (c.export) {
    rows.push(['ONNX file', `${kib(c.export.bytes)}, opset ${c.export.opset}`]);
    rows.push([
      'export parity',
      c.export.maxAbsDiff === null
        ? 'not checked'
        : `max |TF.js − onnxruntime| = ${c.export.maxAbsDiff.toExponential(2)} at batch ${c.export.verifiedBatches.join(' and ')}`,
    ]);
  }
  return { rows, reproduce: [...c.reproduce.split('\n'), exportCommand(run.name)] };
}

/**
 * What the ONNX graph says (and, for a file, its size and weights), and how the SDK read it. A points
 * model's output is used as it comes, so its span is the points' own (`pointsSpan`, filled in once they
 * are drawn), not the [-1, 1] an image output is scaled from.
 */
function modelFacts({ summary: s, info }: Loaded, isFile: boolean, pointsSpan?: HTMLElement): Row[] {
  const rows: Row[] = [];
  if (isFile) {
    rows.push(['ONNX file', `${kib(s.bytes)}, opset ${s.opset ?? 'unknown'}`]);
    rows.push(['parameters', s.parameters.toLocaleString('en')]);
  }
  rows.push(
    ['producer', s.producer],
    ['inputs', s.inputs.map((i) => `${i.name} ${i.shape}`).join(', ')],
    ['outputs', s.outputs.map((o) => `${o.name} ${o.shape}`).join(', ')],
    ['read as', understood(info)],
  );
  if (!info.image && pointsSpan) rows.push(['generated span', pointsSpan]);
  return rows;
}

/** The card; `loaded` null: the model did not load (a run's own facts only). */
export function cardSection(
  source: PageSource,
  loaded: Loaded | null,
  sampleCommand: HTMLElement | undefined,
  pointsSpan?: HTMLElement,
): HTMLElement {
  const facts = source.kind === 'run' ? runFacts(source.run) : { rows: [] as Row[], reproduce: [] };
  const rows: Row[] = [...facts.rows];
  const { reproduce } = facts;
  if (loaded) rows.push(...modelFacts(loaded, source.kind === 'file', pointsSpan));
  const layers = loaded?.summary.layers ?? [];
  return el(
    'section',
    { class: 'card' },
    el('h2', { text: 'Model card' }),
    el(
      'div',
      { class: 'card-grid' },
      el('div', { class: 'card-facts' }, definitionList(rows)),
      el(
        'div',
        { class: 'card-side' },
        el('h3', { text: 'How to reproduce' }),
        el(
          'div',
          { class: 'reproduce' },
          ...reproduce.map((line) =>
            line.startsWith('#')
              ? el('p', { class: 'hint versions', text: line.replace(/^#\s*/, '') })
              : copyable(line),
          ),
          loaded && sampleCommand ? copyable(sampleCommand, 'sample command') : null,
        ),
        layers.length > 0
          ? el('h3', { text: `Architecture (${loaded?.summary.nodeCount} ONNX nodes)` })
          : null,
        layers.length > 0 ? el('ol', { class: 'layers' }, ...layers.map((l) => el('li', { text: l }))) : null,
      ),
    ),
  );
}

/** How the SDK understood the model, and from where (metadata, graph, defaults). */
function understood(info: GeneratorInfo): string {
  const src = (k: string) => (info.sources[k] ? ` (${info.sources[k]})` : '');
  const parts = [`latent [${info.latentShape.join(',')}]${src('latentShape')}`];
  if (info.image) {
    parts.push(
      `image ${info.image.height}×${info.image.width}×${info.image.channels} ${info.image.layout}${src('image')}`,
    );
  } else parts.push(`${info.pointDims ?? '?'}-D points${src('kind')}`);
  // Only an image's output range means anything: it is what the pixels are scaled from. Points are
  // drawn as G makes them (their span is a row of its own).
  if (info.image) parts.push(`range [${info.outputRange.join(', ')}]${src('outputRange')}`);
  else parts.push('points used as G outputs them (no scaling)');
  if (info.labelInputName) parts.push(`class label input '${info.labelInputName}'`);
  return parts.join('; ');
}
