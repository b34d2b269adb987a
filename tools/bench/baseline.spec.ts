import { baselineWeights } from './baseline';

/** The real manifests in models/: which PyTorch weights the Flask + PyTorch baseline serves. */
describe('the baseline serves fp32 PyTorch weights', () => {
  it('of the model itself when the model is exported from them', () => {
    const served = baselineWeights('densenet121-synthetic');
    // The .pth is a fetched asset: where it is missing, the reason names it.
    expect(typeof served === 'string' ? served : served.weights).toContain(
      'densenet121-synthetic.pth',
    );
  });

  it('of the model an INT8 model was quantized from, as the original design served fp32', () => {
    const served = baselineWeights('densenet121-synthetic-int8');
    expect(served).toEqual(baselineWeights('densenet121-synthetic'));
    expect(typeof served === 'string' ? 'densenet121-synthetic' : served.model).toBe(
      'densenet121-synthetic',
    );
  });

  it('of none for a fixed ONNX file with no PyTorch source, and says so', () => {
    expect(baselineWeights('mobilenetv2-12-int8')).toBe(
      'model mobilenetv2-12-int8 has no PyTorch weights in its manifest',
    );
  });
});
