import type { Prediction } from '@imgcls/contracts';
import type { LabelSet } from './label-set';

/** A view of one row of logits inside a (possibly batched) output tensor. */
export interface LogitsRow {
  data: ArrayLike<number>;
  offset: number;
  length: number;
}

/** Numerically stable softmax over one row, in float64. */
export function softmax(row: LogitsRow): Float64Array {
  const { data, offset, length } = row;
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, data[offset + i] as number);
  const out = new Float64Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const e = Math.exp((data[offset + i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Indices of the k largest values, largest first; ties keep the lower index first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  const at = (rank: number): number => values[best[rank] as number] as number;
  for (let i = 0; i < values.length && k > 0; i++) {
    const v = values[i] as number;
    if (best.length === k && v <= at(k - 1)) continue;
    let rank = best.length;
    while (rank > 0 && v > at(rank - 1)) rank--;
    best.splice(rank, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Softmax, then the top-k classes with their names, best first. */
export function rankClasses(row: LogitsRow, labels: LabelSet, k: number): Prediction[] {
  if (row.length !== labels.size) {
    throw new Error(`model outputs ${row.length} classes but the label set has ${labels.size}`);
  }
  const probabilities = softmax(row);
  return topK(probabilities, k).map((index) => ({
    ...labels.get(index),
    class_index: index,
    probability: probabilities[index] as number,
  }));
}
