// The build check behind each package's browser entry: bundles it for the browser platform (as the
// workspace does, from sources) and names what a browser bundle must not contain.
import { build } from 'esbuild';

/** Node built-ins, sharp, the native TF.js binding and onnxruntime-node: none may reach a browser bundle. */
const NODE_ONLY =
  /(^|\/)(node:|sharp|@tensorflow\/tfjs-node|onnxruntime-node|fs|path|url|os|module|child_process)(\/|$)/;

/**
 * Bundles `entry` for the browser; returns the files it pulled in, the Node-only ones among them and
 * the `node:` imports left in it.
 */
export async function browserBundle(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    conditions: ['@ganforge/source'],
  }).catch((e) => {
    throw new Error(`bundling ${entry} for the browser failed: ${e.errors?.map((x) => x.text).join('; ')}`);
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  return {
    inputs,
    nodeOnly: inputs.filter((p) => NODE_ONLY.test(p.replace(/^.*node_modules\//, ''))),
    nodeImports: imports.filter((p) => p.startsWith('node:')),
  };
}
