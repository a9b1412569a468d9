/**
 * Which discriminator (critic) steps end with a generator update.
 *
 * Plain: every dSteps-th step. With the WGAN paper's schedule (Arjovsky et al. 2017, Algorithm 1 as run in
 * their code), the critic gets `boostSteps` updates before each of the first `boostFirst` generator updates
 * and before every `boostEvery`-th one, so it is near its optimum while the generator starts and stays
 * so; otherwise dSteps. A step's role depends only on its index, so a resumed run continues the schedule.
 */
export interface CriticSchedule {
  /**
   * Whether global step `step` (0-based, counting every critic update) ends with a generator update.
   * Asked in increasing order of `step`, as the training loop does (a resume starts at its step).
   */
  isGeneratorStep(step: number): boolean;
}

const WGAN_BOOST = { boostSteps: 100, boostFirst: 25, boostEvery: 500 } as const;

export function criticSchedule(dSteps: number, boosted: boolean): CriticSchedule {
  if (!boosted) return { isGeneratorStep: (step) => (step + 1) % dSteps === 0 };
  const { boostSteps, boostFirst, boostEvery } = WGAN_BOOST;
  const criticSteps = (g: number) => (g < boostFirst || g % boostEvery === 0 ? boostSteps : dSteps);
  // Walks forward from the last query; a resumed run walks once from the start to its step.
  let g = 0; // generator updates before `end`
  let end = criticSteps(0); // the step after generator update g's last critic step
  return {
    isGeneratorStep(step) {
      while (step + 1 > end) {
        g++;
        end += criticSteps(g);
      }
      return step + 1 === end;
    },
  };
}
