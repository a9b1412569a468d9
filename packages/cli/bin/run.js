// Runs an entry of this package: the built dist/esm/<entry>.js, or in the workspace src/<entry>.ts.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const SOURCE_CONDITION = `export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, '@ganforge/source'] });
}`;

/** @param {string} entry */
export async function run(entry) {
  const source = new URL(`../src/${entry}.ts`, import.meta.url);
  if (existsSync(source)) {
    register(`data:text/javascript,${encodeURIComponent(SOURCE_CONDITION)}`);
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    await import(source.href);
  } else {
    await import(new URL(`../dist/esm/${entry}.js`, import.meta.url).href);
  }
}
