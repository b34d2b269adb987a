/**
 * `npm run assets -- [model names…]`: puts the named models (default: $MODEL, else densenet121)
 * and their label files into models/ and labels/, verified by SHA-256. With ASSET_MIRROR set
 * (CI: ../shared/assets) files are copied from that folder instead of downloaded.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { assetDirs, listModelNames } from '@imgcls/models';
import { installAssets } from './install-assets';
import { torchPythonCandidates } from './torch-python';

const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_MODEL = 'densenet121';

interface CliConfig {
  modelNames: string[];
  mirrorDir?: string;
  pythonCandidates: string[];
  calibrationDir?: string;
}

/** The only place this tool reads argv and the environment. */
function readConfig(allArgs: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  const { argv, calibrationDir } = takeCalibration(allArgs);
  const flags = argv.filter((arg) => arg.startsWith('-'));
  if (flags.length > 0) throw new Error(`unknown option ${flags[0]}; ${usage()}`);
  const names = argv.length > 0 ? [...argv] : [env.MODEL || DEFAULT_MODEL];
  const mirror = env.ASSET_MIRROR ? resolve(env.ASSET_MIRROR) : undefined;
  if (mirror !== undefined && !(existsSync(mirror) && statSync(mirror).isDirectory())) {
    throw new Error(`ASSET_MIRROR="${env.ASSET_MIRROR}" is not a folder (resolved to ${mirror})`);
  }
  return {
    modelNames: names,
    mirrorDir: mirror,
    pythonCandidates: torchPythonCandidates(env.PYTHON),
    calibrationDir,
  };
}

/** `--calibration <folder>`: the images INT8 models are calibrated on (see models/*-int8.json). */
function takeCalibration(argv: readonly string[]): { argv: string[]; calibrationDir?: string } {
  const at = argv.indexOf('--calibration');
  if (at < 0) return { argv: [...argv] };
  const folder = argv[at + 1];
  if (!folder || folder.startsWith('-')) throw new Error('--calibration needs a folder of images');
  return { argv: argv.filter((_, i) => i !== at && i !== at + 1), calibrationDir: folder };
}

function usage(): string {
  const models = listModelNames(assetDirs(REPO_ROOT).modelsDir).join(', ');
  return `usage: npm run assets -- [model…] [--calibration <folder>] (models: ${models}; env: MODEL, ASSET_MIRROR, PYTHON)`;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    return console.log(usage());
  }
  const config = readConfig(process.argv.slice(2), process.env);
  await installAssets(config.modelNames, {
    repoRoot: REPO_ROOT,
    ...assetDirs(REPO_ROOT),
    mirrorDir: config.mirrorDir,
    pythonCandidates: config.pythonCandidates,
    calibrationDir: config.calibrationDir,
    log: (line) => console.log(line),
  });
}

main().catch((error: unknown) => {
  console.error(`assets: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
