/** A file that is not a PyTorch state dict this reader accepts; the message is one line. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
