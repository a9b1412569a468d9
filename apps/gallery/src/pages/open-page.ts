/** Open your own .onnx generator: a file picker and a drop zone (the whole page also takes drops). */
import { el } from '../dom';

/** Larger files are refused before reading them: a GAN generator is megabytes, not gigabytes. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

export function dropZone(onFile: (file: File) => void): HTMLElement {
  const input = el('input', {
    attrs: { type: 'file', id: 'file', accept: '.onnx,application/octet-stream' },
  });
  const zone = el(
    'div',
    { class: 'drop-zone', attrs: { id: 'drop-zone' } },
    el('p', {}, 'Drop a generator ', el('code', { text: '.onnx' }), ' file here, or'),
    input,
    el('label', { class: 'file-button', attrs: { for: 'file' } }, 'choose a file…'),
    el('p', {
      class: 'hint',
      text: 'It stays on this device: the model runs in your browser and is never uploaded.',
    }),
  );
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
    input.value = '';
  });
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    zone.classList.remove('over');
    const file = ev.dataTransfer?.files[0];
    if (file) onFile(file);
  });
  return zone;
}

export function renderOpen(root: HTMLElement, onFile: (file: File) => void, notice: string | null): void {
  document.title = 'Open a generator · GANForge gallery';
  root.replaceChildren(
    el('nav', {}, el('a', { attrs: { href: '#/' }, text: '← all runs' })),
    el('h1', { text: 'Open your own generator' }),
    ...(notice ? [el('p', { class: 'error', attrs: { role: 'alert' }, text: notice })] : []),
    el(
      'p',
      {},
      'Any ONNX generator with one float latent input (and optionally an int64 class label) works: GANForge ' +
        'exports say everything about themselves; for others, the shapes in the graph are used.',
    ),
    dropZone(onFile),
  );
}
