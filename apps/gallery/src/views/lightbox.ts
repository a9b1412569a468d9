/** One sample shown large in a modal dialog, with a PNG download and the walk's end pickers. */
import { el } from '../dom';
import { drawImage, type ImageResult } from './image-grid';

export interface LightboxItem {
  result: ImageResult;
  index: number;
  /** Plain text, e.g. "sample 3 (class Shirt), seed 7". */
  caption: string;
  fileName: string;
}

export class Lightbox {
  readonly dialog = el('dialog', { class: 'lightbox', attrs: { 'aria-label': 'sample' } });
  private readonly canvas = el('canvas', { class: 'large', attrs: { role: 'img' } });
  private readonly caption = el('p', { class: 'caption' });
  private readonly download = el('button', {
    attrs: { type: 'button', id: 'download' },
    text: 'Download PNG',
  });
  private item: LightboxItem | undefined;

  constructor(onEnd: (end: 'a' | 'b', index: number) => void) {
    const walkFrom = el('button', { attrs: { type: 'button', id: 'walk-from' }, text: 'Walk from here' });
    const walkTo = el('button', { attrs: { type: 'button', id: 'walk-to' }, text: 'Walk to here' });
    const close = el('button', { attrs: { type: 'button', id: 'close' }, text: 'Close' });
    this.dialog.append(
      this.canvas,
      this.caption,
      el('div', { class: 'actions' }, this.download, walkFrom, walkTo, close),
    );
    close.addEventListener('click', () => this.dialog.close());
    // A click on the backdrop (the dialog element itself, outside its content) closes it.
    this.dialog.addEventListener('click', (ev) => ev.target === this.dialog && this.dialog.close());
    this.download.addEventListener('click', () => void this.save());
    for (const [button, end] of [
      [walkFrom, 'a'],
      [walkTo, 'b'],
    ] as const) {
      button.addEventListener('click', () => {
        if (!this.item) return;
        this.dialog.close();
        onEnd(end, this.item.index);
      });
    }
  }

  open(item: LightboxItem): void {
    this.item = item;
    drawImage(this.canvas, item.result, item.index);
    this.canvas.setAttribute('aria-label', item.caption);
    this.caption.textContent = item.caption;
    if (!this.dialog.open) this.dialog.showModal();
    this.download.focus();
  }

  private async save(): Promise<void> {
    if (!this.item) return;
    const blob = await new Promise<Blob | null>((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = el('a', { attrs: { href: url, download: this.item.fileName } });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
