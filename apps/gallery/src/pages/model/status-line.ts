/** The line under a generator page's head: what is on screen, or what went wrong. */
import { el } from '../../dom';

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class StatusLine {
  readonly host = el('p', {
    class: 'status',
    attrs: { role: 'status' },
    text: 'Loading the generator…',
  });

  show(text: string): void {
    this.host.className = 'status';
    this.host.textContent = text;
  }

  error(e: unknown): void {
    this.host.textContent = message(e);
    this.host.className = 'status error';
  }
}
