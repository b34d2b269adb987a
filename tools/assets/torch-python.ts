import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Pythons to try for the export, best first: `$PYTHON` when set, then `python3` on PATH (often a
 * pyenv or venv without torch), then the system one, where Debian's python3-torch installs.
 */
export function torchPythonCandidates(envPython: string | undefined): string[] {
  const candidates = [envPython, 'python3', '/usr/bin/python3'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  return [...new Set(candidates)];
}

/**
 * The first candidate that can `import torch, torchvision`; throws how to get one otherwise.
 * Synchronous so a test file can decide at load time whether to register or skip its tests.
 */
export function findTorchPython(candidates: readonly string[]): string {
  const python = candidates.find(canImportTorch);
  if (python !== undefined) return python;
  throw new Error(
    `no Python with torch and torchvision (tried ${candidates.join(', ')}); install them ` +
      '(`apt-get install python3-torch python3-torchvision`, or `pip install torch torchvision`) ' +
      'or set PYTHON to an interpreter that has them',
  );
}

function canImportTorch(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  return probe.status === 0;
}

/**
 * Runs a Python script and resolves when it exits 0. A failure carries the last line of its
 * stderr, which for a Python traceback is the exception itself.
 */
export async function runPython(python: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(python, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? error.stderr : '';
    const lastLine = typeof stderr === 'string' ? stderr.trim().split('\n').pop() : undefined;
    const reason = lastLine || (error instanceof Error ? error.message : String(error));
    throw new Error(`${python} ${args.join(' ')} failed: ${reason}`);
  }
}
