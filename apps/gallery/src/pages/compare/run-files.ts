/** A compared run's files, fetched through the offline layer (saved copies answer when offline). */
import { modelsUrl } from '../../dom';
import { fetchRunFile } from '../../offline-protocol';

/** The JSON file at `path` under models/, or `empty` when the run has no such file. */
export async function fetchJson<T>(path: string | null, empty: T): Promise<T> {
  if (!path) return empty;
  const res = await fetchRunFile(modelsUrl(path), path);
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status})`);
  return (await res.json()) as T;
}
