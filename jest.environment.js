// The test environment of every jest project. Jest's node environment runs each test file in its own vm context, with its own typed-array
// constructors. onnxruntime-node creates output tensors' data in Node's main context, so
// onnxruntime-common (loaded inside the test context) rejects them:
// "A float32 tensor's data must be type of function Float32Array()" (microsoft/onnxruntime#16622).
// Giving the test context the main context's typed arrays makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

// Tests that load onnxruntime-node in-process send nothing to its telemetry either (see
// apps/worker/src/model/ort-telemetry.ts). Child processes inherit this; the e2e test of the
// worker's own default starts its worker without it.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const TYPED_ARRAYS = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OrtTestEnvironment;
