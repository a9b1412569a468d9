/** A drop zone with a file picker for a generator file (the index and the open page both have one). */
import './open.css';
import { el } from '../../dom';

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
