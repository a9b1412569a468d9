/** What the model card shows about an ONNX graph: inputs, outputs, layers, parameters, size. */
import { META } from '@ganforge/contracts/onnx';
import { decodeModel, type ModelProto, type ValueInfo } from '@ganforge/inference/onnx';

export interface TensorSummary {
  name: string;
  /** e.g. "[N,100]": the batch dimension is shown as N when symbolic. */
  shape: string;
}

export interface ModelSummary {
  bytes: number;
  producer: string;
  opset: number | null;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  /** Operator types in graph order, runs of the same op collapsed ("Conv ×3"). */
  layers: string[];
  nodeCount: number;
  /** Total number of values held in the graph's initializers. */
  parameters: number;
  /** True when the model carries GANForge's ganforge.* metadata. */
  ganforge: boolean;
}

function shapeOf(v: ValueInfo): string {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  return `[${dims.map((d, i) => (d.dimValue !== undefined ? String(d.dimValue) : i === 0 ? 'N' : (d.dimParam ?? '?'))).join(',')}]`;
}

export function summarizeModel(bytes: Uint8Array, model: ModelProto = decodeModel(bytes)): ModelSummary {
  const graph = model.graph;
  const initializers = graph.initializer ?? [];
  const initNames = new Set(initializers.map((t) => t.name));
  const layers: string[] = [];
  let last = '';
  let run = 0;
  const flush = () => {
    if (run > 0) layers.push(run > 1 ? `${last} ×${run}` : last);
  };
  for (const node of graph.node) {
    if (node.opType === last) run++;
    else {
      flush();
      last = node.opType;
      run = 1;
    }
  }
  flush();
  const opset = model.opsetImport.find((o) => !o.domain)?.version ?? null;
  return {
    bytes: bytes.byteLength,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    opset,
    inputs: graph.input
      .filter((i) => !initNames.has(i.name))
      .map((v) => ({ name: v.name, shape: shapeOf(v) })),
    outputs: graph.output.map((v) => ({ name: v.name, shape: shapeOf(v) })),
    layers,
    nodeCount: graph.node.length,
    parameters: initializers.reduce((sum, t) => sum + (t.dims ?? []).reduce((p, d) => p * Number(d), 1), 0),
    ganforge: (model.metadataProps ?? []).some((p) => p.key === META.kind || p.key === META.latentDim),
  };
}
