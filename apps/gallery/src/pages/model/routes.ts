/**
 * The generator pages in the route table: `#/model/<run>?<options>` (a run of the manifest) and
 * `#/local?<options>` (the file the visitor opened). A page stays while it shows the same generator; new
 * options from the URL go into it.
 */
import { el } from '../../dom';
import { localHash, modelHash, optionsQuery, type ParsedOptions, type ViewOptions } from '../../links';
import { openedFile, setNotice } from '../open/opened-file';
import type { App, PageModule } from '../page';
import { ModelPage } from './model-page';

export interface ModelParams extends ParsedOptions {
  name: string;
}

/** Puts every option in the URL, so what is on screen can always be linked to. */
function canonicalize(canonical: string, errors: string[]): void {
  if (errors.length === 0 && location.hash !== canonical) history.replaceState(null, '', canonical);
}

/** Where a generator page's controls go: its own path with the new options. */
function navigateFrom(app: App, canonical: string): (options: ViewOptions) => void {
  return (o) => app.go(`${canonical.split('?')[0]}?${optionsQuery(o)}`);
}

export const modelPage: PageModule<ModelParams> = {
  // A run that gets exported while its page is open is built again, now with its generator.
  key: ({ name }, app) => {
    const run = app.manifest.runs.find((r) => r.name === name);
    return run ? `run:${run.name}:${run.files.onnx ?? ''}` : null;
  },
  show({ name, options, errors }, app, current) {
    const run = app.manifest.runs.find((r) => r.name === name);
    if (!run) {
      app.container.replaceChildren(
        el('p', { class: 'error', text: `No run named "${name}" in this gallery. ` }),
        el('a', { attrs: { href: '#/' }, text: 'All runs' }),
      );
      return {};
    }
    const canonical = modelHash(run.name, options);
    canonicalize(canonical, errors);
    const page =
      current instanceof ModelPage
        ? current
        : new ModelPage(
            app.container,
            { kind: 'run', run },
            navigateFrom(app, canonical),
            app.takeEarly(run.files.onnx ?? undefined),
          );
    page.update(options, errors);
    return page;
  },
};

export const localPage: PageModule<ParsedOptions> = {
  key: () => {
    const file = openedFile();
    return file ? `local:${file.opened}` : null;
  },
  show({ options, errors }, app, current) {
    const file = openedFile();
    if (!file) {
      setNotice('Opened files are not kept: open the file again.');
      app.go('#/open');
      return {};
    }
    const canonical = localHash(options);
    canonicalize(canonical, errors);
    // The worker takes the bytes over: give each page its own copy so "back" can load them again.
    const page =
      current instanceof ModelPage
        ? current
        : new ModelPage(
            app.container,
            { kind: 'file', name: file.name, bytes: file.bytes.slice(0) },
            navigateFrom(app, canonical),
            app.takeEarly(undefined),
          );
    page.update(options, errors);
    return page;
  },
};
