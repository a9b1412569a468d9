/** One colour per run, the same in the legend, the figures' borders and the overlaid curves. */
import { el } from '../../dom';
import { COLORS } from '../../views/charts';

export function colorOf(i: number): string {
  return COLORS[i % COLORS.length] ?? '#333';
}

// Through the style object: the Content-Security-Policy refuses style="" attributes.
export function swatch(color: string): HTMLElement {
  const s = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.backgroundColor = color;
  return s;
}
