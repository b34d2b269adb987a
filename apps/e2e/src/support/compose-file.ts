import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ComposeService {
  build?: { context: string; target?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: { target: number; published: string; host_ip?: string }[];
  /** CMD-SHELL string form: the one podman-compose 1.0.3 and Docker Compose both read. */
  healthcheck?: { test: string };
  restart?: string;
  deploy?: { replicas?: number | string; resources?: { limits?: { memory?: string } } };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** The compose file as Compose reads it (YAML merge keys applied), before interpolation. */
export function readComposeFile(repoRoot: string): unknown {
  return parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as unknown;
}

/** `${VAR:-default}` and `${VAR}` as Compose interpolates them, from `env`. */
export function interpolate(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const given = env[name];
    return given !== undefined && given !== '' ? given : (fallback ?? '');
  });
}

/** The exec-form `CMD` of a Dockerfile stage, e.g. `["node", "dist/…/main.js"]`. */
export function stageCommand(dockerfile: string, stage: string): string[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) =>
    new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${stage}\\s*$`, 'i').test(line),
  );
  if (start < 0) throw new Error(`the Dockerfile has no stage "${stage}"`);
  const end = lines.findIndex((line, i) => i > start && /^FROM\s/i.test(line));
  const cmd = lines.slice(start, end < 0 ? undefined : end).find((line) => /^CMD\s+\[/.test(line));
  if (cmd === undefined) throw new Error(`stage "${stage}" has no exec-form CMD`);
  return JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[];
}
