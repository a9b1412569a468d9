/** Any hash the route table does not know. */
import { el } from '../dom';
import type { PageModule } from './page';

export const notFoundPage: PageModule<{ hash: string }> = {
  key: () => null,
  show({ hash }, app) {
    app.container.replaceChildren(
      el(
        'p',
        { class: 'error', text: `No page at ${hash}. ` },
        el('a', { attrs: { href: '#/' }, text: 'All runs' }),
      ),
    );
    return {};
  },
};
