/**
 * The data order and seeds of a run, from one seeded stream (`train:<seed>`): each epoch draws its
 * shuffle from it, then each step one seed (z, fake labels and instance noise derive from that). A seed
 * therefore fixes the whole run, and the stream's state at an epoch's start is all a checkpoint needs
 * to replay the rest of the epoch. The gallery's playground draws its runs from the same stream.
 */
import seedrandom from 'seedrandom';

export type TrainStream = seedrandom.StatefulPRNG<seedrandom.State.Alea>;
/** A stream's state, as a checkpoint stores it. */
export type StreamState = Record<string, number>;

/** The stream of a run with `seed`. */
export const trainStream = (seed: number): TrainStream => seedrandom.alea(`train:${seed}`, { state: true });

/** The stream continued from a saved state. */
export const resumeStream = (state: StreamState): TrainStream =>
  seedrandom.alea('', { state: state as unknown as seedrandom.State.Alea });

export const streamState = (rng: TrainStream): StreamState => rng.state() as unknown as StreamState;

/** The examples 0..count-1 in the order of one epoch: Fisher-Yates with the seeded stream. */
export function shuffledOrder(count: number, rng: () => number): Int32Array<ArrayBuffer> {
  const perm = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

/** The next step's seed. */
export const stepSeed = (rng: () => number): number => Math.floor(rng() * 2 ** 31);
