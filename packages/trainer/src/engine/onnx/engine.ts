/**
 * The compiled engine: each training step is one onnxruntime-node call of a graph holding the whole
 * step (step.ts), on the execution provider `--provider` picks (provider.ts). Weights, BatchNorm
 * statistics, optimizer slots and the EMA of G stay where that provider computes — CPU buffers
 * swapped between steps, or GPU memory (state-store.ts) — so nothing is copied per step but the
 * batch in and the figures out. `sync()` brings them back and converts them to TF.js layouts.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OrtTypes from 'onnxruntime-node';
import type * as tfTypes from '@tensorflow/tfjs';
import type { OverfitSignal } from '../../gan/ada';
import { drawAugment } from '../../gan/augment';
import { LOSSES } from '../../gan/losses';
import { zeroSums, type EpochSums } from '../sums';
import type { EngineModels, ProfileRow, StepBatch, TrainEngine } from '../types';
import { adamBetas, readOptimizerState, writeOptimizerState, type OptimizerState } from '../optimizer-state';
import { emaDecayAt } from '../../gan/regularisers';
import { fakeLabels } from '../labels';
import { feedAugment } from './augment';
import { readNet, toGraph, toTfjs, UncompilableError, type Net, type WeightSlot } from './net';
import { compileSteps, type ProviderChoice } from './provider';
import { size as elementCount } from './shape';
import type { Figures, StateStore, StepSession } from './state-store';
import { buildStepGraph, FIGURES, figureShape, netState, stepInputs, type StepConfig } from './step';

export type ExecutionProvider = ProviderChoice;

export interface OnnxEngineOptions {
  config: StepConfig & { dSteps: number; criticBoost: boolean };
  batch: number;
  /** One example's shape in TF.js layout. */
  dataShape: number[];
  /** onnxruntime's intra-op threads (0: every core). */
  threads: number;
  provider: ExecutionProvider;
  /** Record onnxruntime's per-operator profile (read with profile()). */
  profile?: boolean;
}

type Ort = typeof OrtTypes;

/** onnxruntime-node through its public API, or a reason it cannot load. */
async function loadOrt(): Promise<Ort> {
  try {
    // onnxruntime-node's Linux build sends telemetry by default and leaves an empty
    // /tmp/mat-debug-<pid>.log behind every process that opens a session: off, unless the user set it.
    process.env.ORT_DISABLE_TELEMETRY ??= '1';
    return await import('onnxruntime-node');
  } catch (e) {
    throw new UncompilableError(`onnxruntime-node did not load (${(e as Error).message.split('\n')[0]})`);
  }
}

const PROFILE_PREFIX = join(tmpdir(), `ganforge-ort-profile-${process.pid}`);

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** The step's graphs: with G's update, critic-only (k critic steps); `r1`: the same with lazy R1. */
interface StepGraphs {
  full: StepSession;
  critic?: StepSession;
  r1?: { full: StepSession; critic?: StepSession };
}

export class OnnxEngine implements TrainEngine {
  readonly name = 'onnxruntime' as const;
  private sums: EpochSums = zeroSums();
  /** Σ sign(score) over the real examples since takeSignal, and their count. */
  private signal: OverfitSignal = { sum: 0, count: 0 };
  private readonly inputs: Record<string, OrtTypes.Tensor> = {};
  private iterations = { g: 0, d: 0 };
  /** Classes of a conditional model's label input. */
  private readonly classes: number | undefined;
  private powers: { g: [number, number]; d: [number, number] } | undefined;

  private constructor(
    private readonly ort: Ort,
    private readonly tf: typeof tfTypes,
    private readonly models: EngineModels,
    private readonly opts: OnnxEngineOptions,
    private readonly G: Net,
    private readonly D: Net,
    private readonly graphs: StepGraphs,
    /** Where the state lives between steps (CPU buffers or GPU memory). */
    private readonly store: StateStore,
    /** The provider that runs the step ("CPU", "WebGPU (…)"), and what runs elsewhere than asked. */
    readonly device: string,
    readonly deviceNote: string | undefined,
  ) {
    const B = opts.batch;
    this.classes = G.classes ?? D.classes;
    const f = (shape: number[]) => new ort.Tensor('float32', new Float32Array(elementCount(shape)), shape);
    const io = stepInputs(opts.config, B, opts.dataShape, this.classes);
    for (const t of [io.z, ...io.noise, ...io.labels, ...io.penalty, ...io.augment])
      this.inputs[t.name] = f(t.shape);
    for (const p of [...io.powers, ...io.emaDecay]) this.inputs[p] = f([]);
  }

  /** Compiles the models' step; throws UncompilableError (with the reason) where it cannot. */
  static async create(
    tf: typeof tfTypes,
    models: EngineModels,
    opts: OnnxEngineOptions,
  ): Promise<OnnxEngine> {
    const ort = await loadOrt();
    const G = readNet(models.generator);
    const D = readNet(models.discriminator);
    const { config, batch, dataShape } = opts;
    const ema = Boolean(models.ema);
    const state = [...netState('g', G, ema), ...netState('d', D, false)];
    const base: OrtTypes.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads > 0 ? opts.threads : availableParallelism(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Worker threads that spin between operators hold a core the step's other threads (and the
      // loop's JS) need: on a shared machine each operator then waits for a descheduled spinner.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      ...(opts.profile ? { enableProfiling: true, profileFilePrefix: PROFILE_PREFIX } : {}),
    };
    const critics = config.dSteps > 1 || config.criticBoost;
    // R1 on every step is in the plain graphs; lazy R1 has a set of graphs of its own.
    const lazyR1 = config.r1 > 0 && config.r1Every > 1;
    const sets = lazyR1 ? [false, true] : [config.r1 > 0];
    const specs = sets.flatMap((r1) =>
      (critics ? [true, false] : [true]).map((generatorStep) =>
        buildStepGraph(G, D, config, batch, dataShape, generatorStep, r1),
      ),
    );
    const B = batch;
    const figureShapes = {
      [FIGURES.lossD]: [],
      [FIGURES.lossG]: [],
      [FIGURES.real]: [B, ...figureShape(D, config)],
      [FIGURES.fake]: [B, ...figureShape(D, config)],
    };
    const compiled = await compileSteps(ort, { choice: opts.provider, specs, state, figureShapes, base });
    const per = critics ? 2 : 1;
    const set = (at: number) => {
      const full = compiled.steps[at]!;
      const critic = critics ? compiled.steps[at + 1] : undefined;
      return critic ? { full, critic } : { full };
    };
    const graphs: StepGraphs = set(0);
    if (lazyR1) graphs.r1 = set(per);
    const engine = new OnnxEngine(
      ort,
      tf,
      models,
      opts,
      G,
      D,
      graphs,
      compiled.store,
      compiled.device,
      compiled.note,
    );
    try {
      await engine.load();
    } catch (e) {
      engine.dispose();
      throw e;
    }
    return engine;
  }

  /** Reads weights and optimizer state from the TF.js side into the current buffers. */
  private async load(): Promise<void> {
    const { generator, discriminator, ema, optG, optD } = this.models;
    const emaWeights = ema?.weights;
    const fill = async (prefix: 'g' | 'd', net: Net, opt: tfTypes.Optimizer, model: tfTypes.LayersModel) => {
      const st = await readOptimizerState(opt);
      this.iterations[prefix] = st.iterations;
      for (const [i, slot] of net.weights.entries()) {
        const set = (name: string, values: Float32Array) => this.store.host(name).set(toGraph(slot, values));
        set(`${prefix}.w${i}`, slot.variable.read().dataSync() as Float32Array);
        if (!slot.trainable) continue;
        const saved = st.slots[model.trainableWeights.indexOf(slot.variable)];
        // A fresh optimizer has no slots yet: zeros, as TF.js creates them on the first update.
        if (saved) {
          set(`${prefix}.m${i}`, saved[0]);
          set(`${prefix}.v${i}`, saved[1]);
        }
        if (prefix === 'g' && emaWeights) {
          const k = model.weights.indexOf(slot.variable);
          set(`g.e${i}`, emaWeights[k]!.read().dataSync() as Float32Array);
        }
      }
      return st;
    };
    const gs = await fill('g', this.G, optG, generator);
    const ds = await fill('d', this.D, optD, discriminator);
    const betas = adamBetas(optG);
    if (betas) {
      const dBetas = adamBetas(optD)!;
      this.powers = { g: gs.powers ?? betas, d: ds.powers ?? dBetas };
    }
    await this.store.push();
  }

  async step(batch: StepBatch): Promise<void> {
    const { tf } = this;
    const B = this.opts.batch;
    const graphs = batch.r1 && this.graphs.r1 ? this.graphs.r1 : this.graphs;
    const graph = batch.generatorStep ? graphs.full : graphs.critic;
    if (!graph) throw new Error('a critic-only step was asked of an engine compiled without one');
    // The same z and noise streams as the TF.js step, so both engines see the same inputs.
    const draw = (name: string, shape: number[], std: number, seed: number) => {
      const t = tf.randomNormal(shape, 0, std, 'float32', seed);
      (this.inputs[name]!.data as Float32Array).set(t.dataSync() as Float32Array);
      t.dispose();
    };
    draw('z', [B, this.opts.config.latentDim], 1, batch.seed);
    if (this.inputs.gp_alpha) {
      // The gradient penalty's α, drawn as the TF.js step draws it.
      const t = tf.randomUniform(this.inputs.gp_alpha.dims as number[], 0, 1, 'float32', batch.seed + 4);
      (this.inputs.gp_alpha.data as Float32Array).set(t.dataSync() as Float32Array);
      t.dispose();
    }
    const dataShape = [B, ...this.opts.dataShape];
    ['noise_real', 'noise_fake', 'noise_fake_g'].forEach((name, k) => {
      if (!this.inputs[name]) return;
      if (batch.noiseStd > 0) draw(name, dataShape, batch.noiseStd, batch.seed + k + 1);
      else (this.inputs[name]!.data as Float32Array).fill(0);
    });
    if (this.classes !== undefined) {
      if (!batch.labels) throw new Error("a conditional model needs the real batch's labels");
      const oneHot = (name: string, labels: Int32Array) => {
        const data = (this.inputs[name]!.data as Float32Array).fill(0);
        labels.forEach((c, i) => {
          if (!(c >= 0 && c < this.classes!))
            throw new Error(`label ${c} is outside 0..${this.classes! - 1}`);
          data[i * this.classes! + c] = 1;
        });
      };
      oneHot('onehot_real', batch.labels);
      oneHot('onehot_fake', fakeLabels(batch.seed, B, this.classes, this.opts.config.modeSeeking > 0));
    }
    if (this.opts.config.augment.length > 0) {
      const drawn = drawAugment(batch.seed, B, this.opts.dataShape, batch.augmentP ?? 1);
      feedAugment((name) => this.inputs[name]?.data as Float32Array | undefined, drawn);
    }
    const scalar = (name: string, v: number) => ((this.inputs[name]!.data as Float32Array)[0] = v);
    if (this.inputs['g.ema_decay'] && batch.generatorStep) {
      const decay = emaDecayAt(this.opts.config.emaDecay, this.iterations.g);
      scalar('g.ema_decay', decay);
      scalar('g.ema_rest', 1 - decay);
    }
    if (this.powers) {
      const p = this.powers;
      scalar('g.b1t', p.g[0]);
      scalar('g.b2t', p.g[1]);
      scalar('d.b1t', p.d[0]);
      scalar('d.b2t', p.d[1]);
    }
    const feeds: Record<string, OrtTypes.Tensor> = {
      ...this.inputs,
      x: new this.ort.Tensor('float32', batch.x, dataShape),
    };
    const figures = await this.store.run(graph, feeds);
    this.advanceOptimizers(batch.generatorStep);
    this.accumulate(figures, batch.generatorStep);
  }

  /** TF.js multiplies the β powers in float32 after each update; so does this. */
  private advanceOptimizers(generatorStep: boolean): void {
    this.iterations.d++;
    if (generatorStep) this.iterations.g++;
    if (!this.powers) return;
    const [gb1, gb2] = adamBetas(this.models.optG)!;
    const [db1, db2] = adamBetas(this.models.optD)!;
    const p = this.powers;
    p.d = [Math.fround(p.d[0] * db1), Math.fround(p.d[1] * db2)];
    if (generatorStep) p.g = [Math.fround(p.g[0] * gb1), Math.fround(p.g[1] * gb2)];
  }

  private accumulate(figures: Figures, generatorStep: boolean): void {
    const B = this.opts.batch;
    const { threshold, probability } = LOSSES[this.opts.config.loss].judge;
    const real = figures[FIGURES.real]!;
    const fake = figures[FIGURES.fake]!;
    const belief = (v: number) => (probability ? 1 / (1 + Math.exp(-v)) : v);
    const s = this.sums;
    s.lossD += figures[FIGURES.lossD]![0]! * B;
    s.lossG += figures[FIGURES.lossG]![0]! * B;
    for (let i = 0; i < B; i++) {
      if (real[i]! - threshold > 0) s.realJudgedReal++;
      this.signal.sum += Math.sign(real[i]! - threshold);
      if (fake[i]! - threshold <= 0) s.fakeJudgedFake++;
      s.dReal += belief(real[i]!);
      s.dFake += belief(fake[i]!);
    }
    s.seenD += B;
    if (generatorStep) s.seenG += B;
    this.signal.count += B;
  }

  async takeSignal(): Promise<OverfitSignal> {
    const taken = this.signal;
    this.signal = { sum: 0, count: 0 };
    return taken;
  }

  async readSums(): Promise<EpochSums> {
    return { ...this.sums };
  }

  setSums(sums: EpochSums): void {
    this.sums = { ...sums };
  }

  async sync(): Promise<void> {
    const { tf } = this;
    const { generator, discriminator, ema, optG, optD } = this.models;
    await this.store.pull();
    const write = (v: tfTypes.LayerVariable, slot: WeightSlot, values: Float32Array) => {
      const t = tf.tensor(toTfjs(slot, values), v.shape as number[]);
      v.write(t);
      t.dispose();
    };
    const back = async (prefix: 'g' | 'd', net: Net, opt: tfTypes.Optimizer, model: tfTypes.LayersModel) => {
      const st: OptimizerState = { iterations: this.iterations[prefix], slots: [] };
      if (this.powers) st.powers = this.powers[prefix];
      const get = (name: string) => this.store.host(name);
      for (const [i, slot] of net.weights.entries()) {
        write(slot.variable, slot, get(`${prefix}.w${i}`));
        if (prefix === 'g' && ema) {
          // The EMA copy averages trainable weights and copies the BatchNorm statistics.
          const k = model.weights.indexOf(slot.variable);
          const from = slot.trainable ? `g.e${i}` : `g.w${i}`;
          write(ema.weights[k]!, slot, get(from));
        }
      }
      // Slots in the order of the trainable weights, as TF.js pairs them.
      const variables = model.trainableWeights.map((w) => {
        const i = net.weights.findIndex((slot) => slot.variable === w);
        const slot = net.weights[i]!;
        st.slots.push([toTfjs(slot, get(`${prefix}.m${i}`)), toTfjs(slot, get(`${prefix}.v${i}`))]);
        return w.read() as tfTypes.Variable;
      });
      await writeOptimizerState(tf, opt, st, variables);
    };
    await back('g', this.G, optG, generator);
    await back('d', this.D, optD, discriminator);
  }

  /** Sums onnxruntime's profile per operator type (the files are removed once read). */
  async profile(): Promise<ProfileRow[]> {
    if (!this.opts.profile) return [];
    for (const g of this.sessions()) g.endProfiling();
    const rows = new Map<string, ProfileRow>();
    let runs = 0;
    const dir = tmpdir();
    const prefix = PROFILE_PREFIX.slice(dir.length + 1);
    for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix))) {
      const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
      rmSync(join(dir, file), { force: true });
      for (const e of events) {
        if (e.cat === 'Session' && e.name === 'model_run') runs++;
        const op = e.args?.op_name;
        if (e.cat !== 'Node' || !op || !e.name.endsWith('_kernel_time')) continue;
        const r = rows.get(op) ?? { op, ms: 0, calls: 0, runs: 0 };
        r.ms += e.dur / 1000;
        r.calls++;
        rows.set(op, r);
      }
    }
    return [...rows.values()].map((r) => ({ ...r, runs }));
  }

  private sessions(): StepSession['session'][] {
    const { full, critic, r1 } = this.graphs;
    return [full, critic, r1?.full, r1?.critic].flatMap((g) => (g ? [g.session] : []));
  }

  dispose(): void {
    this.store.dispose();
    for (const s of this.sessions()) void s.release();
  }
}
