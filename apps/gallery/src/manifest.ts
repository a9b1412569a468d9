/**
 * The gallery's index of runs, written by scripts/build-manifest.ts to public/models/manifest.json
 * and read by the site. Paths are relative to the models/ folder.
 */
import type { CurvePoint, MetricsRecord, ModelCard } from '@ganforge/trainer';

export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestRun {
  /** Run directory name; also the folder under models/ and the name in the URL. */
  name: string;
  card: ModelCard;
  files: {
    onnx: string;
    modelCard: string;
    /** metrics.jsonl converted to a JSON array of MetricsRecord. */
    metrics: string | null;
    /** curve.jsonl converted to a JSON array of CurvePoint (per-step loss means); absent in older manifests. */
    curve?: string | null;
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
  runs: ManifestRun[];
}

/** Every file of a run the site shows (paths under models/): what its page saves for offline use. */
export function runFiles(run: ManifestRun): string[] {
  const { onnx, modelCard, metrics, curve, realPoints, samples } = run.files;
  return [onnx, modelCard, metrics, curve ?? null, realPoints, ...samples].filter((p): p is string => !!p);
}

/** Every run's thumbnail (paths under models/): what the index shows. */
export function thumbnails(manifest: Manifest): string[] {
  return manifest.runs.flatMap((r) => (r.thumbnail ? [r.thumbnail] : []));
}

export type { CurvePoint, MetricsRecord, ModelCard };
