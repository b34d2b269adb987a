import { dimsOf, node, onnx, tensor, type AttributeValue } from '@imgcls/onnx';
import { dequantizeValues, integerRange, tensorNumbers } from './dequantize-values';

/** Bad input to the dequantizer: the message names the model, the node or tensor, and the fix. */
export class DequantizeError extends Error {
  override readonly name = 'DequantizeError';
}

/**
 * Which integer saturations become a Clip: `activations` only those whose floor is 0 (a ReLU or
 * ReLU6 folded into the uint8 range, as the zoo's quantizer does); `all` every output's range and
 * the input's (its QuantizeLinear saturates too).
 */
export type SaturationPolicy = 'activations' | 'all';

const QUANTIZED_SUFFIX = '_quantized';

/** A quantized tensor and the scale and zero point that give its float value. */
export interface QuantizedOutput {
  quantized: string;
  scale: string;
  zeroPoint: string;
}

/** The float graph being built, and the float name of every quantized tensor already converted. */
export class FloatGraph {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];
  private readonly aliases = new Map<string, string>();
  private readonly written = new Set<string>();

  constructor(
    private readonly constants: ReadonlyMap<string, onnx.ITensorProto>,
    private readonly saturation: SaturationPolicy,
  ) {}

  /** From now on the quantized tensor `quantized` is the float tensor `float`. */
  alias(quantized: string, float: string): void {
    this.aliases.set(quantized, float);
  }

  /** The float tensor that holds a quantized tensor's value. */
  name(quantized: string): string {
    const alias = this.aliases.get(quantized);
    if (alias !== undefined) return alias;
    return quantized.endsWith(QUANTIZED_SUFFIX)
      ? quantized.slice(0, -QUANTIZED_SUFFIX.length)
      : quantized;
  }

  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  numbers(name: string): Float64Array {
    return tensorNumbers(this.tensor(name));
  }

  scalar(name: string): number {
    const values = this.numbers(name);
    if (values.length !== 1) {
      throw new DequantizeError(
        `${name} has ${values.length} values where one scale or zero point is expected`,
      );
    }
    return values[0] ?? NaN;
  }

  /** A quantized operand in float: a dequantized initializer for a constant, else its float tensor. */
  operand(quantized: string, scale: string, zeroPoint: string, axis = 0): string {
    if (!this.isConstant(quantized)) return this.name(quantized);
    const float = this.name(quantized);
    if (!this.written.has(float)) {
      const q = this.tensor(quantized);
      const values = dequantizeValues(
        tensorNumbers(q),
        dimsOf(q),
        this.numbers(scale),
        this.numbers(zeroPoint),
        axis,
      );
      this.initializer(float, dimsOf(q), values);
    }
    return float;
  }

  initializer(name: string, dims: readonly number[], values: Float32Array): void {
    if (this.written.has(name)) throw new DequantizeError(`tensor ${name} would be written twice`);
    this.written.add(name);
    this.initializers.push(tensor(name, dims, values));
  }

  /**
   * The float node computing what `output` held in integers, followed by a Clip to that integer
   * range where the policy keeps it, so that ReLU6 folded into the saturation is not lost.
   */
  compute(
    opType: string,
    inputs: readonly string[],
    output: QuantizedOutput,
    attributes: onnx.IAttributeProto[] = [],
  ): void {
    const float = this.name(output.quantized);
    const clip = this.clips(output);
    const n = node(opType, inputs, [clip ? `${float}_unclipped` : float]);
    n.attribute = attributes.map((a) => onnx.AttributeProto.create(a));
    this.nodes.push(n);
    if (clip) this.clip(`${float}_unclipped`, output, float);
  }

  /** A float graph input quantized at the edge: itself, or clipped where the policy says. */
  saturate(input: string, output: QuantizedOutput): void {
    if (this.clips(output)) {
      this.clip(input, output, `${input}_saturated`);
      this.alias(output.quantized, `${input}_saturated`);
    } else {
      this.alias(output.quantized, input);
    }
  }

  private clips(output: QuantizedOutput): boolean {
    const range = integerRange(this.tensor(output.zeroPoint));
    return this.saturation === 'all' || this.scalar(output.zeroPoint) === range.min;
  }

  private clip(input: string, output: QuantizedOutput, float: string): void {
    const scale = this.scalar(output.scale);
    const zeroPoint = this.scalar(output.zeroPoint);
    const range = integerRange(this.tensor(output.zeroPoint));
    this.initializer(`${float}_min`, [], Float32Array.of((range.min - zeroPoint) * scale));
    this.initializer(`${float}_max`, [], Float32Array.of((range.max - zeroPoint) * scale));
    this.nodes.push(node('Clip', [input, `${float}_min`, `${float}_max`], [float]));
  }

  /** A float node with no saturation of its own (layout ops). */
  plain(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes: Record<string, AttributeValue> = {},
  ): void {
    this.nodes.push(node(opType, inputs, [output], { attributes }));
  }

  /** An initializer, which scales, zero points and weights must be. */
  tensor(name: string): onnx.ITensorProto {
    const t = this.constants.get(name);
    if (!t)
      throw new DequantizeError(
        `${name} is not an initializer; scales and zero points must be constants`,
      );
    return t;
  }
}
