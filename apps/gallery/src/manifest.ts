/**
 * The gallery's index of runs, written by scripts/build-manifest.ts to public/models/manifest.json
 * and read by the site. Paths are relative to the models/ folder.
 */
import type { CurvePoint, MetricsRecord, ModelCard, RunState } from '@ganforge/contracts';

export const MANIFEST_VERSION = 2;

export type RunStatus = RunState['status'];
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestRun {
  /** Run directory name; also the folder under models/ and the name in the URL. */
  name: string;
  card: ModelCard;
  /** From state.json; null for a run that has none (written by an older trainer, or copied without it). */
  status: RunStatus | null;
  startedAt: string | null;
  updatedAt: string | null;
  /** Why a failed run failed. */
  error?: string;
  /** The resolved config (config.json), when the run has one. */
  config: Record<string, unknown> | null;
  /** The config keys whose values differ from what the run's preset alone gives. */
  overrides: Record<string, unknown>;
  /** What grows while a run trains: the page fetches a run's files again when this changes. */
  progress: { epoch: number; step: number; curvePoints: number; samples: number };
  files: {
    /** Null until the run is exported: its page then shows the training, not live samples. */
    onnx: string | null;
    modelCard: string;
    /** metrics.jsonl converted to a JSON array of MetricsRecord. */
    metrics: string | null;
    /** curve.jsonl converted to a JSON array of CurvePoint (per-step loss means); absent in older manifests. */
    curve: string | null;
    realPoints: string | null;
    /** Per-epoch sample pictures, oldest first. */
    samples: string[];
  };
  /** The latest sample picture, if any. */
  thumbnail: string | null;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  generatedAt: string;
  /** Served by scripts/serve.ts from a runs folder: the page asks again every few seconds. */
  live?: boolean;
  runs: ManifestRun[];
}

/** Every file of a run the site shows (paths under models/): what its page saves for offline use. */
export function runFiles(run: ManifestRun): string[] {
  const { onnx, modelCard, metrics, curve, realPoints, samples } = run.files;
  return [onnx, modelCard, metrics, curve, realPoints, ...samples].filter((p): p is string => !!p);
}

/** Every run's thumbnail (paths under models/): what the index shows. */
export function thumbnails(manifest: Manifest): string[] {
  return manifest.runs.flatMap((r) => (r.thumbnail ? [r.thumbnail] : []));
}

export type { CurvePoint, MetricsRecord, ModelCard };
