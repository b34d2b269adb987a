/**
 * `npm run export:onnx -- --arch densenet121 --weights FILE.pth --out FILE.onnx`: a torchvision
 * DenseNet state dict (either format torch has written) to an ONNX model, in Node alone.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCheckpoint, DENSENET_ARCHS, type ConvertOptions } from '@imgcls/densenet-onnx';

const USAGE =
  'usage: npm run export:onnx -- --arch ARCH --weights FILE.pth --out FILE.onnx ' +
  '[--input-name input] [--output-name logits] [--image-size 224]\n' +
  `  ARCH: ${Object.keys(DENSENET_ARCHS).join(', ')}`;

/** The only place this tool reads argv. */
function readOptions(argv: string[]): ConvertOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      arch: { type: 'string' },
      weights: { type: 'string' },
      out: { type: 'string' },
      'input-name': { type: 'string', default: 'input' },
      'output-name': { type: 'string', default: 'logits' },
      'image-size': { type: 'string', default: '224' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const missing = (['arch', 'weights', 'out'] as const).find((name) => !values[name]);
  if (missing !== undefined) throw new Error(`--${missing} is required; ${USAGE}`);
  const imageSize = Number(values['image-size']);
  if (!Number.isInteger(imageSize) || imageSize < 32) {
    throw new Error(`--image-size "${values['image-size']}" is not an integer ≥ 32`);
  }
  return {
    arch: values.arch as string,
    weightsFile: resolve(values.weights as string),
    outFile: resolve(values.out as string),
    inputName: values['input-name'],
    outputName: values['output-name'],
    imageSize,
    log: (line) => console.log(line),
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (options === undefined) return console.log(USAGE);
  const started = Date.now();
  const summary = await convertCheckpoint(options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${options.arch}: ${summary.parameters.toLocaleString('en-US')} parameters, ` +
      `${summary.bytes} bytes, sha256 ${summary.sha256} → ${options.outFile} (${seconds} s)`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`export:onnx: ${message.split('\n')[0] ?? ''}`);
  process.exit(1);
});
