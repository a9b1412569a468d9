/**
 * How `ganforge train` is stopped early, always after a step and with a checkpoint: Ctrl-C (SIGINT),
 * SIGTERM (kill, docker stop, a job scheduler), or, for a trainer npm started (`npx ganforge train`, an
 * npm script), the end of the process that started it. A second signal quits at once.
 */

/** A repeat of the first signal this soon is the same stop, not a second one. */
const SAME_STOP_MS = 1000;
/** How often a trainer npm started checks that its parent still runs. */
const PARENT_CHECK_MS = 250;

export interface StopSignals {
  readonly signal: AbortSignal;
  /** What stopped the run, if anything did (the end of the parent counts as SIGTERM). */
  stoppedBy(): NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * Listens for the ways a run is stopped until dispose(). `exitCodes` are what a second signal exits with.
 *
 * - A signal can arrive twice for one stop: under npx, Ctrl-C reaches the trainer from the terminal and
 *   again from npm, which passes SIGINT and SIGTERM on to its child. A repeat within a second is ignored.
 * - Under npx with a plain `sh` (npm runs `sh -c "ganforge train …"`), SIGTERM to npx is passed to that
 *   shell, which dies of it and leaves the trainer running, orphaned. A trainer npm started therefore
 *   also stops when its parent goes away.
 */
export function stopSignals(exitCodes: { SIGINT: number; SIGTERM: number }): StopSignals {
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  let firstAt = 0;
  const stop = (signal: NodeJS.Signals, message: string) => {
    stoppedBy = signal;
    firstAt = performance.now();
    console.error(message);
    controller.abort();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const term = signal === 'SIGTERM';
    if (controller.signal.aborted) {
      if (performance.now() - firstAt < SAME_STOP_MS) return;
      process.exit(term ? exitCodes.SIGTERM : exitCodes.SIGINT);
    }
    stop(
      signal,
      term
        ? '\nSIGTERM: stopping after this step (send it again to quit at once)…'
        : '\nstopping after this step (Ctrl-C again to quit at once)…',
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const parent = process.ppid;
  const watch =
    process.env.npm_lifecycle_event !== undefined
      ? setInterval(() => {
          if (process.ppid === parent || controller.signal.aborted) return;
          stop(
            'SIGTERM',
            `\nthe process that started this run (pid ${parent}, under npm) has ended: stopping after this step…`,
          );
        }, PARENT_CHECK_MS).unref()
      : undefined;
  return {
    signal: controller.signal,
    stoppedBy: () => stoppedBy,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (watch) clearInterval(watch);
    },
  };
}
