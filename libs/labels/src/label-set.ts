import { readFile } from 'node:fs/promises';

/** One ImageNet class: its WordNet id and its human-readable name. */
export interface ImageNetClass {
  class_id: string;
  class_name: string;
}

const WNID = /^n\d{8}$/;

/** The model's output classes in output order. */
export class LabelSet {
  private constructor(private readonly classes: readonly ImageNetClass[]) {}

  /**
   * Parses torchvision's `imagenet_class_index.json` shape: `{"0": ["n01440764", "tench"], …}`.
   * Indices must run 0..n-1 without gaps, so that output index i is always class i.
   */
  static fromClassIndex(json: unknown): LabelSet {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error('class index must be a JSON object of "index": [wnid, name]');
    }
    const entries = Object.entries(json as Record<string, unknown>);
    const classes: ImageNetClass[] = new Array<ImageNetClass>(entries.length);
    for (const [key, value] of entries) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
        throw new Error(`class index key "${key}" is not an index in 0..${entries.length - 1}`);
      }
      if (!Array.isArray(value) || value.length !== 2) {
        throw new Error(`class index entry "${key}" must be [wnid, name]`);
      }
      const [classId, className] = value as unknown[];
      if (typeof classId !== 'string' || !WNID.test(classId) || typeof className !== 'string') {
        throw new Error(`class index entry "${key}" must be [wnid like "n01440764", name]`);
      }
      classes[index] = { class_id: classId, class_name: className };
    }
    return new LabelSet(classes);
  }

  static async load(path: string): Promise<LabelSet> {
    const text = await readFile(path, 'utf8');
    return LabelSet.fromClassIndex(JSON.parse(text) as unknown);
  }

  get size(): number {
    return this.classes.length;
  }

  get(index: number): ImageNetClass {
    const found = this.classes[index];
    if (found === undefined) {
      throw new RangeError(`class index ${index} is outside 0..${this.classes.length - 1}`);
    }
    return found;
  }
}
