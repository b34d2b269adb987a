/** torchvision's DenseNet variants: the same network with other widths and block sizes. */
export interface DenseNetArch {
  /** Channels each dense layer adds. */
  growthRate: number;
  /** Dense layers in each of the four blocks. */
  blockConfig: readonly [number, number, number, number];
  /** Channels out of the stem convolution. */
  initFeatures: number;
  /** Bottleneck width of a dense layer, as a multiple of the growth rate. */
  bnSize: number;
  classes: number;
}

export const DENSENET_ARCHS = {
  densenet121: {
    growthRate: 32,
    blockConfig: [6, 12, 24, 16],
    initFeatures: 64,
    bnSize: 4,
    classes: 1000,
  },
  densenet161: {
    growthRate: 48,
    blockConfig: [6, 12, 36, 24],
    initFeatures: 96,
    bnSize: 4,
    classes: 1000,
  },
  densenet169: {
    growthRate: 32,
    blockConfig: [6, 12, 32, 32],
    initFeatures: 64,
    bnSize: 4,
    classes: 1000,
  },
  densenet201: {
    growthRate: 32,
    blockConfig: [6, 12, 48, 32],
    initFeatures: 64,
    bnSize: 4,
    classes: 1000,
  },
} as const satisfies Record<string, DenseNetArch>;

export type DenseNetName = keyof typeof DENSENET_ARCHS;

export function isDenseNetName(name: string): name is DenseNetName {
  return Object.hasOwn(DENSENET_ARCHS, name);
}

/** The architecture by name, or an error listing the names there are. */
export function denseNetArch(name: string): DenseNetArch {
  if (isDenseNetName(name)) return DENSENET_ARCHS[name];
  throw new Error(
    `unknown architecture "${name}"; known: ${Object.keys(DENSENET_ARCHS).join(', ')}`,
  );
}
