import { dimsOf, type onnx } from '@imgcls/onnx';
import { DequantizeError, type FloatGraph } from './dequantize-graph';

/** One quantized node rewritten into the float graph. */
type Conversion = (n: onnx.INodeProto, graph: FloatGraph) => void;

function inputOf(n: onnx.INodeProto, i: number): string {
  const name = n.input?.[i];
  if (!name) throw new DequantizeError(`${n.opType} node "${n.name ?? ''}" has no input ${i}`);
  return name;
}

function outputOf(n: onnx.INodeProto): string {
  const name = n.output?.[0];
  if (!name) throw new DequantizeError(`${n.opType} node "${n.name ?? ''}" has no output`);
  return name;
}

/** The `[x, x_scale, x_zero_point]` triple starting at input `i`, as a float operand. */
function operandAt(n: onnx.INodeProto, i: number, graph: FloatGraph, axis = 0): string {
  return graph.operand(inputOf(n, i), inputOf(n, i + 1), inputOf(n, i + 2), axis);
}

/** The node's quantized output and its scale and zero point, at inputs `i` and `i + 1`. */
function outputAt(n: onnx.INodeProto, i: number) {
  return { quantized: outputOf(n), scale: inputOf(n, i), zeroPoint: inputOf(n, i + 1) };
}

/** int32 bias with scale x_scale × w_scale[c] and zero point 0 (the QLinearConv contract). */
function convBias(n: onnx.INodeProto, graph: FloatGraph): string {
  const bias = inputOf(n, 8);
  const inputScale = graph.scalar(inputOf(n, 1));
  const weightScales = graph.numbers(inputOf(n, 4));
  const quantized = graph.numbers(bias);
  const values = Float32Array.from(
    quantized,
    (q, c) => q * inputScale * (weightScales[weightScales.length === 1 ? 0 : c] ?? NaN),
  );
  graph.initializer(graph.name(bias), [quantized.length], values);
  return graph.name(bias);
}

const qLinearConv: Conversion = (n, graph) => {
  const inputs = [operandAt(n, 0, graph), operandAt(n, 3, graph, 0)];
  if (n.input?.[8]) inputs.push(convBias(n, graph));
  graph.compute('Conv', inputs, outputAt(n, 6), n.attribute ?? []);
};

const qLinearAdd: Conversion = (n, graph) => {
  graph.compute('Add', [operandAt(n, 0, graph), operandAt(n, 3, graph)], outputAt(n, 6));
};

const qLinearGlobalAveragePool: Conversion = (n, graph) => {
  const channelsLast = n.attribute?.find((a) => a.name === 'channels_last');
  if (channelsLast && Number(channelsLast.i) !== 0) {
    throw new DequantizeError(
      `QLinearGlobalAveragePool "${n.name ?? ''}" is channels_last; only NCHW is supported`,
    );
  }
  graph.compute('GlobalAveragePool', [operandAt(n, 0, graph)], outputAt(n, 3));
};

/** MatMul's right operand is quantized per column: its scales run along the last axis. */
const qLinearMatMul: Conversion = (n, graph) => {
  const b = inputOf(n, 3);
  const axis = graph.isConstant(b) ? Math.max(0, dimsOf(graph.tensor(b)).length - 1) : 0;
  graph.compute('MatMul', [operandAt(n, 0, graph), operandAt(n, 3, graph, axis)], outputAt(n, 6));
};

/** At the input edge: the float input stands for its quantized copy (clipped, by the policy). */
const quantizeLinear: Conversion = (n, graph) => {
  const x = inputOf(n, 0);
  if (graph.isConstant(x))
    throw new DequantizeError(
      `QuantizeLinear "${n.name ?? ''}" quantizes a constant; expected a graph input`,
    );
  graph.saturate(graph.name(x), outputAt(n, 1));
};

/** At the output edge (or before a shape read): the float tensor is the dequantized value. */
const dequantizeLinear: Conversion = (n, graph) => {
  const q = inputOf(n, 0);
  const y = outputOf(n);
  if (graph.isConstant(q)) {
    graph.alias(y, graph.operand(q, inputOf(n, 1), inputOf(n, 2)));
  } else if (graph.name(q) !== y) {
    graph.alias(y, graph.name(q));
  }
};

/** Keyed `domain.opType` (ONNX's own domain left out). */
export const CONVERSIONS = new Map<string, Conversion>([
  ['QLinearConv', qLinearConv],
  ['QLinearMatMul', qLinearMatMul],
  ['com.microsoft.QLinearAdd', qLinearAdd],
  ['com.microsoft.QLinearGlobalAveragePool', qLinearGlobalAveragePool],
  ['QuantizeLinear', quantizeLinear],
  ['DequantizeLinear', dequantizeLinear],
]);
