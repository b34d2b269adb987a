/** One run's shared memory, seen as its input tensor and its logits. */
export interface SlotViews {
  input: Float32Array;
  logits: Float32Array;
}

export function allocateSlot(imageLength: number, classes: number): SharedArrayBuffer {
  return new SharedArrayBuffer((imageLength + classes) * Float32Array.BYTES_PER_ELEMENT);
}

export function slotViews(
  memory: SharedArrayBuffer,
  imageLength: number,
  classes: number,
): SlotViews {
  return {
    input: new Float32Array(memory, 0, imageLength),
    logits: new Float32Array(memory, imageLength * Float32Array.BYTES_PER_ELEMENT, classes),
  };
}
