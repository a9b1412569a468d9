/** Commands shown with a copy button: one line each, scrolled sideways rather than spilling out. */
import { el } from '../dom';

export function copyButton(text: () => string, what = 'command'): HTMLButtonElement {
  const button = el('button', {
    class: 'copy',
    attrs: { type: 'button', 'aria-label': `copy ${what}` },
    text: 'Copy',
  });
  button.addEventListener('click', () => {
    const done = (ok: boolean) => {
      button.textContent = ok ? 'Copied' : 'Select and copy';
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    };
    // The clipboard needs a secure context (https or localhost); say so rather than fail silently.
    if (!navigator.clipboard) return done(false);
    navigator.clipboard.writeText(text()).then(
      () => done(true),
      () => done(false),
    );
  });
  return button;
}

/** A command in a box with its copy button; `code` may be filled later (its text is what is copied). */
export function copyable(command: string | HTMLElement, what = 'command'): HTMLElement {
  const code = typeof command === 'string' ? el('code', { text: command }) : command;
  return el(
    'div',
    { class: 'command' },
    el('pre', {}, code),
    copyButton(() => code.textContent ?? '', what),
  );
}
