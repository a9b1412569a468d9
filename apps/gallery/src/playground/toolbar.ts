/**
 * Play / pause / one step / reset, D's or G's update alone, slow motion, the speed, Export (ONNX
 * download), the share link and the drawing buttons, with the engine's name.
 */
import { el } from '../dom';

/** Steps trained between two drawn frames, slowest first. */
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200];
const DEFAULT_SPEED = 3;

export interface ToolbarActions {
  play(): void;
  pause(): void;
  step(): void;
  /** One update alone (D's or G's) or a whole step with both. */
  phase(which: 'D' | 'G' | 'both'): void;
  slowMotion(on: boolean): void;
  nextStage(): void;
  reset(): void;
  speed(stepsPerDraw: number): void;
  exportOnnx(): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }>;
  runArchive(): Promise<{ bytes: Uint8Array; name: string }>;
  link(): string;
  trainSketch(): void;
  clearSketch(): void;
  showError(message: string): void;
}

export class Toolbar {
  readonly host = el('div', { class: 'pg-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Training' } });
  private readonly playButton = el('button', { text: 'Play', attrs: { id: 'pg-play', type: 'button' } });
  private readonly stepButton = el('button', {
    text: 'One step',
    attrs: { id: 'pg-step-once', type: 'button' },
  });
  private readonly resetButton = el('button', { text: 'Reset', attrs: { id: 'pg-reset', type: 'button' } });
  /** 2-D mode only: separate updates and slow motion. */
  private readonly stepTools = el('span', { class: 'pg-buttons pg-step-tools' });
  private readonly phaseButtons = (
    [
      ['D', 'Step D', 'pg-step-d', 'One update of D alone (G stays as it is)'],
      ['G', 'Step G', 'pg-step-g', 'One update of G alone, against D as it is'],
      ['both', 'Step both', 'pg-step-both', 'One update of D, then one of G'],
    ] as const
  ).map(([which, text, id, title]) => {
    const b = el('button', { text, attrs: { id, type: 'button', title } });
    b.addEventListener('click', () => this.actions.phase(which));
    return b;
  });
  private readonly slowButton = el('button', {
    text: 'Slow motion',
    attrs: {
      id: 'pg-slow',
      type: 'button',
      'aria-pressed': 'false',
      title: 'Walk each step through its stages',
    },
  });
  private readonly nextStageButton = el('button', {
    text: 'Next stage',
    attrs: { id: 'pg-next-stage', type: 'button' },
  });
  private slow = false;
  private readonly speedInput = el('input', {
    attrs: {
      id: 'pg-speed',
      type: 'range',
      min: '0',
      max: String(SPEEDS.length - 1),
      value: String(DEFAULT_SPEED),
    },
  });
  private readonly speedText = el('output', { attrs: { for: 'pg-speed' } });
  private readonly exportButton = el('button', {
    text: 'Export ONNX',
    attrs: { id: 'pg-export', type: 'button' },
  });
  private readonly archiveButton = el('button', {
    text: 'Download run',
    attrs: {
      id: 'pg-download-run',
      type: 'button',
      title: 'A run folder (.tar) that ganforge export generator reads',
    },
  });
  private readonly shareButton = el('button', {
    text: 'Copy link',
    attrs: { id: 'pg-share', type: 'button' },
  });
  private readonly linkBox = el('input', {
    attrs: { id: 'pg-link', type: 'text', readonly: '', 'aria-label': 'Link to this run' },
  });
  private readonly drawTools = el('span', { class: 'pg-draw-tools' });
  private readonly backend = el('span', { class: 'pg-backend', attrs: { id: 'pg-backend' } });
  private playing = false;

  constructor(private readonly actions: ToolbarActions) {
    const train = el('button', {
      text: 'Train on drawing',
      attrs: { id: 'pg-train-sketch', type: 'button' },
    });
    const clear = el('button', { text: 'Clear drawing', attrs: { id: 'pg-clear-sketch', type: 'button' } });
    train.addEventListener('click', () => actions.trainSketch());
    clear.addEventListener('click', () => actions.clearSketch());
    this.drawTools.append(train, clear);
    this.drawTools.hidden = true;
    this.linkBox.hidden = true;
    this.playButton.addEventListener('click', () => {
      this.setPlaying(!this.playing);
      if (this.playing) actions.play();
      else actions.pause();
    });
    this.stepButton.addEventListener('click', () => actions.step());
    this.slowButton.addEventListener('click', () => this.setSlow(!this.slow));
    this.nextStageButton.addEventListener('click', () => actions.nextStage());
    this.nextStageButton.hidden = true;
    this.stepTools.append(...this.phaseButtons, this.slowButton, this.nextStageButton);
    this.resetButton.addEventListener('click', () => actions.reset());
    this.speedInput.addEventListener('input', () => this.speedChanged());
    this.exportButton.addEventListener('click', () => void this.exportOnnx());
    this.archiveButton.addEventListener('click', () => void this.downloadRun());
    this.shareButton.addEventListener('click', () => void this.share());
    this.host.append(
      el('span', { class: 'pg-buttons' }, this.playButton, this.stepButton, this.resetButton),
      this.stepTools,
      el('label', { class: 'pg-speed' }, 'Speed ', this.speedInput, this.speedText),
      el('span', { class: 'pg-buttons' }, this.exportButton, this.archiveButton, this.shareButton),
      this.drawTools,
      this.linkBox,
      this.backend,
    );
    this.speedChanged();
  }

  private speedChanged(): void {
    const steps = SPEEDS[Number(this.speedInput.value)] ?? 10;
    this.speedText.textContent = `${steps} step${steps === 1 ? '' : 's'}/frame`;
    this.actions.speed(steps);
  }

  /** Slow motion on or off (the button shows it; Next stage appears with it). */
  setSlow(on: boolean): void {
    if (on === this.slow) return;
    this.slow = on;
    this.slowButton.setAttribute('aria-pressed', String(on));
    this.slowButton.classList.toggle('on', on);
    this.nextStageButton.hidden = !on;
    this.actions.slowMotion(on);
  }

  /** Image mode has no separate updates or slow motion. */
  setMode(kind: 'points' | 'images'): void {
    this.stepTools.hidden = kind === 'images';
    if (kind === 'images') this.setSlow(false);
  }

  setPlaying(playing: boolean): void {
    this.playing = playing;
    this.playButton.textContent = playing ? 'Pause' : 'Play';
    this.playButton.setAttribute('aria-pressed', String(playing));
  }

  /** While a reset builds the models, training buttons wait. */
  setBusy(busy: boolean): void {
    for (const b of this.modelButtons()) b.disabled = busy;
  }

  /** The buttons that need a model. */
  private modelButtons(): HTMLButtonElement[] {
    return [
      this.playButton,
      this.stepButton,
      ...this.phaseButtons,
      this.slowButton,
      this.nextStageButton,
      this.exportButton,
      this.archiveButton,
    ];
  }

  setSketching(on: boolean): void {
    this.drawTools.hidden = !on;
    for (const b of this.modelButtons()) b.disabled = on;
  }

  setBackend(text: string): void {
    this.backend.textContent = `Engine: ${text}`;
  }

  /** Saves `bytes` as a file download. */
  private save(bytes: Uint8Array, name: string): void {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const a = el('a', { attrs: { href: url, download: name } });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private async exportOnnx(): Promise<void> {
    this.exportButton.disabled = true;
    try {
      const { bytes, metadata } = await this.actions.exportOnnx();
      this.save(bytes, `${metadata['ganforge.source_run'] ?? 'playground'}.onnx`);
    } catch (e) {
      this.actions.showError(`Export failed: ${(e as Error).message}`);
    } finally {
      this.exportButton.disabled = false;
    }
  }

  private async downloadRun(): Promise<void> {
    this.archiveButton.disabled = true;
    try {
      const { bytes, name } = await this.actions.runArchive();
      this.save(bytes, `${name}.tar`);
    } catch (e) {
      this.actions.showError(`Download run failed: ${(e as Error).message}`);
    } finally {
      this.archiveButton.disabled = false;
    }
  }

  private async share(): Promise<void> {
    const link = this.actions.link();
    this.linkBox.value = link;
    this.linkBox.hidden = false;
    this.linkBox.select();
    try {
      await navigator.clipboard.writeText(link);
      this.shareButton.textContent = 'Link copied';
    } catch {
      // No clipboard permission (or an insecure page): the link stays selected in the box to copy by hand.
      this.shareButton.textContent = 'Copy the link';
    }
  }
}
