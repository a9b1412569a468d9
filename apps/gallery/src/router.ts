/**
 * The route table: which page each URL hash shows. A row is a pattern for the hash's path (before any
 * `?`), the page module that shows it, and how the path's groups and the query become that page's
 * params (null: the URL is not this page's after all). The first row that takes a hash shows it;
 * anything else is not-found. What the query's options mean, and the hashes that link to each page,
 * are in links.ts.
 */
import { parseCompare, parseOptions, type CompareParams, type ParsedOptions } from './links';
import { comparePage } from './pages/compare/compare-page';
import { indexPage } from './pages/index/index-page';
import { localPage, modelPage, type ModelParams } from './pages/model/routes';
import { notFoundPage } from './pages/not-found';
import { openPage } from './pages/open/open-page';
import type { App, PageModule, Screen } from './pages/page';

export type Route =
  | { page: 'index' }
  | { page: 'open' }
  | ({ page: 'model' } & ModelParams)
  | ({ page: 'local' } & ParsedOptions)
  | ({ page: 'compare' } & CompareParams)
  | { page: 'not-found'; hash: string };

/** A hash matched to its page: the route it names, and its page module given the route's params. */
export interface Matched {
  route: Route;
  key(app: App): string | null;
  show(app: App, current: Screen | undefined): Screen;
}

interface Row<P> {
  page: Route['page'];
  path: RegExp;
  /** The page's params from the path's named groups and the query (null: the hash had no `?`). */
  params(groups: Record<string, string>, query: string | null): P | null;
  module: PageModule<P>;
}

/** One row; its params and its module agree on their type, which the table then forgets. */
function row<P extends object>(
  page: Route['page'],
  path: RegExp,
  module: PageModule<P>,
  params: Row<P>['params'],
): Row<object> {
  return { page, path, module, params };
}

export const ROUTES: readonly Row<object>[] = [
  // Exactly `#`, `#/` or nothing: `#/?…` is no page.
  row('index', /^\/?$/, indexPage, (_, query) => (query === null ? {} : null)),
  row('open', /^\/open$/, openPage, () => ({})),
  row('local', /^\/local$/, localPage, (_, query) => parseOptions(query ?? '')),
  row('compare', /^\/compare$/, comparePage, (_, query) => parseCompare(query ?? '')),
  row('model', /^\/model\/(?<name>[^/]+)\/?$/, modelPage, modelParams),
];

function modelParams(groups: Record<string, string>, query: string | null): ModelParams | null {
  let name: string;
  try {
    name = decodeURIComponent(groups['name'] ?? '');
  } catch {
    return null;
  }
  return { name, ...parseOptions(query ?? '') };
}

function bind<P extends object>(page: Route['page'], params: P, module: PageModule<P>): Matched {
  return {
    route: { page, ...params } as Route,
    key: (app) => module.key(params, app),
    show: (app, current) => module.show(params, app, current),
  };
}

/** The page `hash` shows, through the route table. */
export function matchRoute(hash: string): Matched {
  const h = hash.replace(/^#/, '');
  const [path = '', query = ''] = h.split('?', 2);
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    const params = m && r.params(m.groups ?? {}, h.includes('?') ? query : null);
    if (params) return bind(r.page, params, r.module);
  }
  return bind('not-found', { hash }, notFoundPage);
}

export function parseRoute(hash: string): Route {
  return matchRoute(hash).route;
}
