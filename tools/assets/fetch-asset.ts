import { chmod, copyFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assetPath, checksumProblem, displayPath, type AssetFile } from '@imgcls/models';
import { downloadFile, MAX_DOWNLOAD_BYTES } from './download';

export interface FetchOptions {
  /**
   * The mirror's folder for this kind of asset (`$ASSET_MIRROR/models` or `…/labels`). When set,
   * files are copied from it and never downloaded.
   */
  mirrorDir?: string;
  log: (line: string) => void;
  /** Tests only: allow plain http:// to a server on loopback (see download.ts). */
  allowLoopbackHttp?: boolean;
}

/**
 * Puts `asset` in `dir` with a verified checksum: skips it when already there and right, else
 * copies it from the mirror or downloads it into a temporary file, checks the SHA-256 and only
 * then renames it into place. A mismatching file is deleted and the call throws.
 */
export async function fetchAsset(
  asset: AssetFile,
  dir: string,
  options: FetchOptions,
): Promise<void> {
  if (asset.sha256 === undefined && asset.sha256Prefix === undefined) {
    throw new Error(`${asset.file} has no sha256 in its manifest; refusing to fetch it unchecked`);
  }
  const destination = assetPath(asset, dir);
  if (existsSync(destination)) {
    const problem = await checksumProblem(asset, destination);
    if (problem === undefined) return options.log(`${displayPath(destination)} is in place`);
    options.log(`${displayPath(destination)} is stale (${problem}); fetching it again`);
  }
  // Same folder as the destination, so the final rename is atomic and never crosses devices.
  const partial = join(dir, `.${asset.file}.${process.pid}.part`);
  try {
    const source = await obtain(asset, partial, options);
    const problem = await checksumProblem(asset, partial);
    if (problem !== undefined) {
      throw new Error(`refused ${asset.file} from ${source}: ${problem}; the file was deleted`);
    }
    await rename(partial, destination);
    options.log(`${displayPath(destination)} fetched and verified`);
  } finally {
    await rm(partial, { force: true });
  }
}

/** Copies or downloads the asset to `partial`; returns where it came from, for messages. */
async function obtain(asset: AssetFile, partial: string, options: FetchOptions): Promise<string> {
  if (options.mirrorDir !== undefined) {
    const source = join(options.mirrorDir, asset.file);
    if (!existsSync(source)) throw new Error(notInMirror(asset, source));
    options.log(`copying ${displayPath(source)}`);
    await copyFile(source, partial);
    // A mirror is often a read-only share; the copy should be an ordinary file of the checkout.
    await chmod(partial, 0o644);
    return displayPath(source);
  }
  if (asset.url === null) {
    throw new Error(
      `${asset.file} has no public URL: it is only in the asset mirror; ` +
        'set ASSET_MIRROR to a folder laid out like ../shared/assets (e.g. ASSET_MIRROR=../shared/assets)',
    );
  }
  await downloadFile(asset.url, partial, {
    log: options.log,
    maxBytes: asset.bytes ?? MAX_DOWNLOAD_BYTES,
    allowLoopbackHttp: options.allowLoopbackHttp,
  });
  return asset.url;
}

function notInMirror(asset: AssetFile, source: string): string {
  const fix =
    asset.url === null
      ? 'the mirror must hold every mirror-only asset'
      : `unset ASSET_MIRROR to download it from ${asset.url}`;
  return `${asset.file} is not in the asset mirror (no ${displayPath(source)}); ${fix}`;
}
