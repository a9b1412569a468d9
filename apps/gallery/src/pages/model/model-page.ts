/**
 * One generator: a run from the manifest or a .onnx file the visitor opened. Samples are generated live
 * in a worker from the options in the URL (seed, truncation, class, count, walk ends), so the URL
 * reproduces what is on screen. Image models also get the latent walk; runs get their training timeline.
 */
import './model.css';
import { el, modelsUrl } from '../../dom';
import { GenerationError, GeneratorClient, problemWords } from '../../generator-client';
import { DEFAULT_OPTIONS, type ViewOptions } from '../../links';
import { runFiles, type Manifest, type ManifestRun } from '../../manifest';
import { keepOffline } from '../../offline';
import { copyable } from '../../views/copy';
import { qualitySection } from '../../views/quality';
import type { Screen } from '../page';
import { exportCommand } from './commands';
import { pageHead, renderMeta } from './header';
import { loadGenerator, NotExported, type EarlyLoad, type Loaded, type PageSource } from './loading';
import { cardSection } from './model-card';
import { SamplesSection } from './samples-section';
import { message, StatusLine } from './status-line';
import { TrainingSection } from './training';

export class ModelPage implements Screen {
  private readonly client: GeneratorClient;
  private readonly status = new StatusLine();
  private readonly body = el('div', { class: 'model-body' });
  private readonly ready: Promise<Loaded>;
  private options: ViewOptions = DEFAULT_OPTIONS;
  private errors: string[] = [];
  private readonly meta = el('p', { class: 'run-meta' });
  /** The run as the latest manifest has it (a live run moves on). */
  private run: ManifestRun | undefined;
  // Built once the model is loaded (what to show depends on what the generator is).
  private samples: SamplesSection | undefined;
  private training: TrainingSection | undefined;

  constructor(
    root: HTMLElement,
    private readonly source: PageSource,
    private readonly navigate: (options: ViewOptions) => void,
    early?: EarlyLoad,
  ) {
    this.client = early?.client ?? GeneratorClient.take();
    const title = source.kind === 'run' ? source.run.name : source.name;
    this.run = source.kind === 'run' ? source.run : undefined;
    document.title = `${title} · GANForge gallery`;
    renderMeta(this.meta, this.run);
    root.replaceChildren(...pageHead(title, this.meta), this.status.host, this.body);
    this.ready = loadGenerator(source, this.client, early);
    this.ready.then(
      (loaded) => this.build(loaded),
      (e: unknown) => this.loadFailed(e),
    );
  }

  /** Once a run has drawn, save its model and pictures so that its page also works offline. */
  private keepRunOffline(): void {
    if (this.source.kind === 'run') void keepOffline(runFiles(this.source.run).map(modelsUrl));
  }

  private loadFailed(e: unknown): void {
    if (this.source.kind === 'file') {
      // The SDK's words say what the file is; the reason's own words only add to them when they say
      // something else than "not a generator", which the sentence already says.
      const reason = e instanceof GenerationError ? e.reason : undefined;
      const detail = message(e);
      const why =
        reason && reason !== 'not-a-generator'
          ? `${problemWords(reason)}. ${detail.charAt(0).toUpperCase()}${detail.slice(1)}`
          : detail;
      this.status.error(`"${this.source.name}" is not a generator this gallery can run: ${why}`);
      this.body.replaceChildren(
        el('p', {}, el('a', { attrs: { href: '#/open', id: 'open-another' }, text: 'Open another file' })),
      );
    } else if (e instanceof NotExported) {
      const { run } = this.source;
      this.status.host.textContent = `Not exported yet, so nothing to generate here: below are the trainer's own pictures and curves${
        run.status === 'running' ? ', following the run as it trains' : ''
      }. Export it to generate samples live:`;
      this.training = this.trainingFor(run);
      this.body.replaceChildren(
        copyable(exportCommand(run.name)),
        ...[qualitySection(run), this.training?.host, cardSection(this.source, null, undefined)].filter(
          (n): n is HTMLElement => !!n,
        ),
      );
    } else {
      this.status.error(e);
      this.body.replaceChildren(cardSection(this.source, null, undefined));
    }
  }

  private trainingFor(run: ManifestRun): TrainingSection | undefined {
    return TrainingSection.of(run, () => this.run ?? run) ?? undefined;
  }

  private build(loaded: Loaded): void {
    const run = this.source.kind === 'run' ? this.source.run : undefined;
    const isImage = loaded.info.kind === 'image';
    this.samples = new SamplesSection(
      loaded,
      this.source,
      this.client,
      this.status,
      () => ({ options: this.options, errors: this.errors }),
      this.navigate,
      () => this.keepRunOffline(),
    );
    const samples = this.samples.nodes(() => (run ? qualitySection(run) : null));
    const quality = run && isImage ? qualitySection(run) : null;
    this.training = run ? this.trainingFor(run) : undefined;
    this.body.replaceChildren(
      ...[
        ...samples,
        quality,
        this.training?.host,
        cardSection(this.source, loaded, this.samples.sampleCommand, this.samples.pointsSpan),
      ].filter((n): n is HTMLElement => !!n),
    );
  }

  /** Applies the options from the URL; `errors` are the URL's bad values, shown next to the result. */
  update(options: ViewOptions, errors: string[]): void {
    this.options = options;
    this.errors = errors;
    void this.render();
  }

  private async render(): Promise<void> {
    try {
      await this.ready;
    } catch {
      return; // loadFailed() has said why
    }
    await this.samples?.render();
  }

  /** A newer manifest (a live run moved on): status, pictures and curves. */
  refresh(manifest: Manifest): void {
    if (this.source.kind !== 'run') return;
    const name = this.source.run.name;
    const run = manifest.runs.find((r) => r.name === name);
    if (!run) return;
    const before = this.run;
    this.run = run;
    renderMeta(this.meta, run);
    if (!before || JSON.stringify(before.progress) === JSON.stringify(run.progress)) return;
    this.training?.refresh(before, run);
  }

  dispose(): void {
    this.samples?.dispose();
    this.training?.dispose();
    this.client.dispose();
  }
}
