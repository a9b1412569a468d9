/** Generated images as rows of buttons (one canvas each): click or Enter opens a sample large. */
import { el } from '../dom';
import { drawImage, type ImageResult } from './image-grid';

export interface SampleRow {
  /** Shown at the start of the row (a class name), as text. */
  label: string | null;
  start: number;
  count: number;
}

export function renderSamples(
  host: HTMLElement,
  result: ImageResult,
  rows: SampleRow[],
  describe: (index: number) => string,
  onOpen: (index: number) => void,
  /** A line above the grid (the class picked), or null. */
  heading: string | null = null,
): void {
  host.replaceChildren(
    heading === null ? '' : el('p', { class: 'grid-label', text: heading }),
    ...rows.map((row) => {
      const cells = Array.from({ length: row.count }, (_, k) => {
        const index = row.start + k;
        const canvas = el('canvas', { attrs: { 'aria-hidden': 'true' } });
        drawImage(canvas, result, index);
        const button = el(
          'button',
          {
            class: 'sample',
            attrs: {
              type: 'button',
              'data-index': String(index),
              'aria-label': `${describe(index)}: open large`,
            },
          },
          canvas,
        );
        button.addEventListener('click', () => onOpen(index));
        return button;
      });
      return el(
        'div',
        { class: 'sample-row', attrs: { role: 'group', 'aria-label': row.label ?? 'samples' } },
        row.label === null ? null : el('span', { class: 'row-label', text: row.label }),
        el('div', { class: 'cells' }, ...cells),
      );
    }),
  );
}
