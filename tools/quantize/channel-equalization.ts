import { dimsOf, floatData, onnx, tensor } from '@imgcls/onnx';
import { indexGraph, inputOf, intAttribute, outputOf, type GraphIndex } from './graph-index';

/**
 * One Concat input whose channels can be rescaled exactly: its producing Conv multiplies
 * output channel c by r[c], and every depthwise 1×1 Conv that reads the channel (directly or
 * through a Concat, at `offset`) divides its weight by r[c].
 */
export interface EqualizationPlan {
  tensor: string;
  producer: onnx.INodeProto;
  readers: { conv: onnx.INodeProto; offset: number }[];
}

// Positive per-channel scaling passes through these unchanged.
const SCALE_PRESERVING_OPS = new Set(['Relu', 'MaxPool', 'AveragePool']);

/** A BatchNormalization rewritten as a Conv: one weight per channel, nothing mixed. */
function isDepthwise1x1(n: onnx.INodeProto, index: GraphIndex): boolean {
  const name = n.opType === 'Conv' ? (n.input?.[1] ?? '') : '';
  const weight = index.consumers.get(name)?.length === 1 ? index.initializers.get(name) : undefined;
  const dims = weight ? dimsOf(weight) : [];
  return (
    dims.length === 4 &&
    dims.slice(1).every((d) => d === 1) &&
    intAttribute(n, 'group', 1) === dims[0]
  );
}

function channelCount(t: string, index: GraphIndex): number {
  const p = index.producers.get(t);
  const weight = p?.opType === 'Conv' ? index.initializers.get(inputOf(p, 1)) : undefined;
  if (weight) return dimsOf(weight)[0] ?? 0;
  if (p?.opType === 'Concat')
    return (p.input ?? []).reduce((a, i) => a + channelCount(i, index), 0);
  return p ? channelCount(inputOf(p, 0), index) : 0;
}

// The Conv behind `t` through Relu and pools, each of them read by nothing else.
function rescalableProducer(t: string, index: GraphIndex): onnx.INodeProto | undefined {
  let p = index.producers.get(t);
  while (p && SCALE_PRESERVING_OPS.has(p.opType ?? '')) {
    const input = inputOf(p, 0);
    if ((index.consumers.get(input) ?? []).length !== 1) return undefined;
    p = index.producers.get(input);
  }
  if (p?.opType !== 'Conv') return undefined;
  const constants = (p.input ?? []).slice(1);
  const own = constants.every(
    (c) => index.initializers.has(c) && index.consumers.get(c)?.length === 1,
  );
  return own ? p : undefined;
}

// Channel offsets of `t` among a channel Concat's inputs (it may appear more than once).
function offsetsIn(concat: onnx.INodeProto, t: string, index: GraphIndex): number[] | undefined {
  if (![1, -3].includes(intAttribute(concat, 'axis', 0))) return undefined;
  const offsets: number[] = [];
  let offset = 0;
  for (const input of concat.input ?? []) {
    if (input === t) offsets.push(offset);
    offset += channelCount(input, index);
  }
  return offsets;
}

// Every reader is a normalisation, directly or through a channel Concat; else none.
function depthwiseReaders(t: string, index: GraphIndex): EqualizationPlan['readers'] | undefined {
  const readers: EqualizationPlan['readers'] = [];
  for (const n of index.consumers.get(t) ?? []) {
    if (isDepthwise1x1(n, index)) {
      readers.push({ conv: n, offset: 0 });
      continue;
    }
    const offsets = n.opType === 'Concat' ? offsetsIn(n, t, index) : undefined;
    const out = outputOf(n);
    const normalisations = index.consumers.get(out) ?? [];
    const allNormalise = normalisations.every((r) => isDepthwise1x1(r, index));
    if (!offsets || index.graphOutputs.has(out) || !allNormalise) return undefined;
    for (const offset of offsets) readers.push(...normalisations.map((conv) => ({ conv, offset })));
  }
  return readers;
}

/**
 * The Concat inputs that only normalisations read, as in DenseNet: each dense layer's new
 * features are concatenated into every later layer's input and normalised there per channel.
 * Works from the graph's structure; a graph without such Concats gets no plan.
 */
export function equalizationPlans(graph: onnx.IGraphProto): EqualizationPlan[] {
  const index = indexGraph(graph);
  const concatInputs = new Set(
    (graph.node ?? []).filter((n) => n.opType === 'Concat').flatMap((n) => n.input ?? []),
  );
  return [...concatInputs].flatMap((t) => {
    const producer = rescalableProducer(t, index);
    const readers = producer && !index.graphOutputs.has(t) ? depthwiseReaders(t, index) : undefined;
    return producer && readers ? [{ tensor: t, producer, readers }] : [];
  });
}

/**
 * Rescales each planned tensor's channels to the same largest |value| (`maxima` per channel,
 * from calibration), exactly compensated in the depthwise Convs that read them, so that one
 * per-tensor uint8 grid serves every channel instead of the widest one alone.
 */
export function equalizeChannels(
  graph: onnx.IGraphProto,
  plans: readonly EqualizationPlan[],
  maxima: ReadonlyMap<string, Float32Array>,
): onnx.IGraphProto {
  const index = indexGraph(graph);
  const edited = new Map<string, Float32Array>();
  const values = (name: string): Float32Array => {
    const found =
      edited.get(name) ?? Float32Array.from(floatData(index.initializers.get(name) ?? {}));
    edited.set(name, found);
    return found;
  };
  for (const plan of plans) {
    const max = maxima.get(plan.tensor) ?? new Float32Array();
    const widest = Math.max(...max);
    const r = max.map((m) => (m > 0 ? widest / m : 1));
    const weight = values(inputOf(plan.producer, 1));
    const perChannel = weight.length / r.length;
    weight.forEach((w, i) => (weight[i] = w * (r[Math.floor(i / perChannel)] ?? 1)));
    const bias = plan.producer.input?.[2];
    if (bias) values(bias).forEach((b, c, all) => (all[c] = b * (r[c] ?? 1)));
    for (const { conv, offset } of plan.readers) {
      const a = values(inputOf(conv, 1));
      r.forEach((rc, c) => (a[offset + c] = (a[offset + c] ?? 0) / rc));
    }
  }
  const initializer = (graph.initializer ?? []).map((t) => {
    const data = edited.get(t.name ?? '');
    return data ? tensor(t.name ?? '', dimsOf(t), data) : t;
  });
  return onnx.GraphProto.create({ ...graph, initializer });
}
