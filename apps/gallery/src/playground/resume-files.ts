/**
 * What a "Download run" archive needs for `ganforge train --resume`: the trainer's config.json for the
 * run and a checkpoint in the trainer's own format (checkpointFiles, from the trainer), at the page's
 * step. The config asks for the epochs done plus the current one, so a plain `--resume` finishes the
 * epoch in progress; `--epochs N` goes further. The checkpoint's running sums start at zero: the
 * resumed epoch's averages count the steps trained after the resume.
 */
import {
  checkpointFiles,
  layersModelFiles,
  sumsToList,
  tf,
  zeroSums,
  type GanModels,
  type TrainConfig,
} from '@ganforge/trainer/browser';
import { tar, type TarEntry } from './tar';

export interface ResumableState {
  config: TrainConfig;
  models: GanModels;
  optD: tf.Optimizer;
  optG: tf.Optimizer;
  step: number;
  stepsPerEpoch: number;
  /** The seeded stream at the start of the current epoch (before its shuffle). */
  epochRngState: Record<string, number>;
}

export async function resumeEntries(dir: string, r: ResumableState): Promise<TarEntry[]> {
  const epoch = Math.floor(r.step / r.stepsPerEpoch);
  const stepInEpoch = r.step % r.stepsPerEpoch;
  const config = { ...r.config, epochs: epoch + 1 };
  const files = await checkpointFiles(
    tf,
    {
      generator: r.models.generator,
      discriminator: r.models.discriminator,
      optimizers: { d: r.optD, g: r.optG },
    },
    { epoch, stepInEpoch, step: r.step, rngState: r.epochRngState, sums: sumsToList(zeroSums()) },
  );
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));
  return [
    { path: `${dir}/config.json`, data: json(config) },
    ...files.map((f) => ({ path: `${dir}/${f.path}`, data: f.data })),
  ];
}

/** JSON as the archive's files hold it. */
export const jsonFile = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 1));

/**
 * A run folder `dir` as a tar archive: the generator (generator/, as the trainer writes it),
 * playground.json (`about`), the mode's own `files` (paths inside `dir`), and the trainer's config.json
 * and checkpoint/ so that `ganforge train --resume` continues it.
 */
export async function runArchive(
  dir: string,
  r: ResumableState,
  about: Record<string, unknown>,
  files: TarEntry[] = [],
): Promise<Uint8Array> {
  const { modelJson, weights } = await layersModelFiles(tf, r.models.generator);
  return tar([
    { path: `${dir}/generator/model.json`, data: modelJson },
    { path: `${dir}/generator/weights.bin`, data: weights },
    ...files.map((f) => ({ ...f, path: `${dir}/${f.path}` })),
    { path: `${dir}/playground.json`, data: jsonFile(about) },
    ...(await resumeEntries(dir, r)),
  ]);
}
