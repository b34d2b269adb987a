import { floatValueInfo, node, onnx, tensor } from '@imgcls/onnx';
import type { StateDict } from '@imgcls/torch-checkpoint';
import type { DenseNetArch } from './densenet-archs';

export const OPSET = 17;
const IR_VERSION = 8;
// torch.nn.BatchNorm2d's default, which torchvision's DenseNet keeps.
const BN_EPSILON = 1e-5;

/** The graph's tensor names as the manifest gives them. */
export interface GraphIo {
  inputName: string;
  outputName: string;
  /** Side of the square input image (224 for the ImageNet models). */
  imageSize: number;
}

/** Accumulates nodes and initializers; each layer method returns its output's name. */
class GraphWriter {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];

  constructor(private readonly params: StateDict) {}

  param(key: string): string {
    const t = this.params.get(key);
    if (t === undefined || !(t.data instanceof Float32Array)) throw new Error(`no float32 ${key}`);
    this.initializers.push(tensor(key, t.shape, t.data));
    return key;
  }

  conv(x: string, key: string, kernel: number, stride = 1, pad = 0): string {
    const attributes = {
      kernel_shape: { ints: [kernel, kernel] },
      strides: { ints: [stride, stride] },
      pads: { ints: [pad, pad, pad, pad] },
    };
    return this.add('Conv', [x, this.param(`${key}.weight`)], key, attributes);
  }

  norm(x: string, key: string): string {
    const inputs = ['weight', 'bias', 'running_mean', 'running_var'].map((p) =>
      this.param(`${key}.${p}`),
    );
    return this.add('BatchNormalization', [x, ...inputs], key, { epsilon: { float: BN_EPSILON } });
  }

  add(op: string, inputs: string[], name: string, attributes = {}, output = `${name}.out`): string {
    this.nodes.push(node(op, inputs, [output], { name, attributes }));
    return output;
  }
}

/** norm1 → relu1 → conv1 (1×1 bottleneck) → norm2 → relu2 → conv2 (3×3, growthRate out). */
function denseLayer(g: GraphWriter, x: string, key: string): string {
  const a = g.add('Relu', [g.norm(x, `${key}.norm1`)], `${key}.relu1`);
  const b = g.add('Relu', [g.norm(g.conv(a, `${key}.conv1`, 1), `${key}.norm2`)], `${key}.relu2`);
  return g.conv(b, `${key}.conv2`, 3, 1, 1);
}

/** Each layer sees the concatenation of the block's input and every earlier layer's output. */
function denseBlock(g: GraphWriter, x: string, block: number, layers: number): string {
  const features = [x];
  for (let l = 1; l <= layers; l++) {
    const key = `features.denseblock${block}.denselayer${l}`;
    const input = l === 1 ? x : g.add('Concat', [...features], `${key}.cat`, { axis: { int: 1 } });
    features.push(denseLayer(g, input, key));
  }
  return g.add('Concat', features, `features.denseblock${block}`, { axis: { int: 1 } });
}

function transition(g: GraphWriter, x: string, key: string): string {
  const y = g.conv(g.add('Relu', [g.norm(x, `${key}.norm`)], `${key}.relu`), `${key}.conv`, 1);
  const pool = { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } };
  return g.add('AveragePool', [y], `${key}.pool`, pool);
}

/** torchvision's `features`: the stem, four dense blocks with transitions, the final norm. */
function features(g: GraphWriter, arch: DenseNetArch, input: string): string {
  const stem = g.add(
    'Relu',
    [g.norm(g.conv(input, 'features.conv0', 7, 2, 3), 'features.norm0')],
    'features.relu0',
  );
  const maxPool = {
    kernel_shape: { ints: [3, 3] },
    strides: { ints: [2, 2] },
    pads: { ints: [1, 1, 1, 1] },
  };
  let x = g.add('MaxPool', [stem], 'features.pool0', maxPool);
  arch.blockConfig.forEach((layers, b) => {
    x = denseBlock(g, x, b + 1, layers);
    if (b < arch.blockConfig.length - 1) x = transition(g, x, `features.transition${b + 1}`);
  });
  return g.add('Relu', [g.norm(x, 'features.norm5')], 'features.relu5');
}

/**
 * torchvision's DenseNet as an ONNX graph: `features`, then global average pooling and the
 * linear classifier. The batch dimension is symbolic (`N`). `params` must already be checked
 * (see checkParams).
 */
export function denseNetGraph(arch: DenseNetArch, params: StateDict, io: GraphIo): onnx.ModelProto {
  const g = new GraphWriter(params);
  let x = features(g, arch, io.inputName);
  x = g.add('Flatten', [g.add('GlobalAveragePool', [x], 'pool')], 'flatten', { axis: { int: 1 } });
  const gemmInputs = [x, g.param('classifier.weight'), g.param('classifier.bias')];
  g.add('Gemm', gemmInputs, 'classifier', { transB: { int: 1 } }, io.outputName);
  const graph = onnx.GraphProto.create({
    name: 'densenet',
    node: g.nodes,
    initializer: g.initializers,
    input: [floatValueInfo(io.inputName, ['N', 3, io.imageSize, io.imageSize])],
    output: [floatValueInfo(io.outputName, ['N', arch.classes])],
  });
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'imgcls',
    graph,
  });
}
