import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { API_NODE_FLAGS, REPO_ROOT, WORKER_NODE_FLAGS } from '@imgcls/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  interpolate,
  readComposeFile,
  stageCommand,
  type ComposeFile,
} from './support/compose-file';

const ROOT = REPO_ROOT;
/** The Compose Specification's JSON schema, as the dclint package ships it. */
const SCHEMA = join(ROOT, 'node_modules/dclint/schemas/compose.schema.json');

describe('docker-compose.yml', () => {
  const raw = readComposeFile(ROOT);
  const compose = raw as ComposeFile;
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('validates against the Compose Specification schema', () => {
    // The schema names draft-07 by an id Ajv does not register; its draft-07 rules still apply.
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
    expect(validate(raw) ? [] : validate.errors).toEqual([]);
  });

  it('passes dclint (the best-practice linter for compose files)', async () => {
    const dclint = join(ROOT, 'node_modules/.bin/dclint');
    await expect(
      promisify(execFile)(dclint, [join(ROOT, 'docker-compose.yml')]),
    ).resolves.toBeDefined();
  });

  it('runs redis, the api and two workers, each with a healthcheck, a restart policy and a memory limit', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'redis', 'worker']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck?.test.length ?? 0]).not.toEqual([name, 0]);
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
      expect([name, service.deploy?.resources?.limits?.memory]).toEqual([
        name,
        expect.stringMatching(/^\d+[mg]$/),
      ]);
    }
    expect(interpolate(String(compose.services['worker']?.deploy?.replicas), {})).toBe('2');
  });

  it('reads the same under Docker Compose v2 and podman-compose 1.0.3', () => {
    const text = JSON.stringify(raw); // values only, not comments
    // podman-compose passes `${VAR:-}` through as literal text, and consumes a list-form
    // healthcheck in place, so a second replica fails.
    expect(text.match(/\$\{\w+:?-\}/g) ?? []).toEqual([]);
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, typeof service.healthcheck?.test]).toEqual([name, 'string']);
    }
  });

  it('keeps Redis private and persistent, and publishes the api on the host loopback by default', () => {
    const redis = compose.services['redis'];
    expect(redis?.ports).toBeUndefined();
    expect(redis?.command?.join(' ')).toMatch(
      /--appendonly yes --appendfsync everysec .*--maxmemory 384mb --maxmemory-policy noeviction/,
    );
    const [port] = compose.services['api']?.ports ?? [];
    expect(port?.target).toBe(5000);
    expect(interpolate(port?.host_ip ?? '', {})).toBe('127.0.0.1');
    expect(compose.services['api']?.environment?.['HOST']).toBe('0.0.0.0');
  });

  it('builds from multi-stage Dockerfile targets that run as a non-root user with exec-form commands', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const service of ['api', 'worker']) {
      const target = compose.services[service]?.build?.target ?? '';
      expect(stageCommand(dockerfile, target)[0]).toBe('node');
    }
  });

  it.each([
    ['api', API_NODE_FLAGS],
    ['worker', WORKER_NODE_FLAGS],
  ])(
    'starts the %s with the same Node flags in the Dockerfile, package.json and the tests',
    (app, flags) => {
      const target = compose.services[app]?.build?.target ?? '';
      const [, ...args] = stageCommand(dockerfile, target);
      expect(args).toEqual([...flags, `dist/apps/${app}/main.js`]);
      const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      const launch = `node ${flags.join(' ')} dist/apps/${app}/main.js`;
      expect(scripts[`start:${app}`]).toContain(launch);
      expect(scripts['start']).toContain('tools/start/start.sh');
      expect(readFileSync(join(ROOT, 'tools/start/start.sh'), 'utf8')).toContain(launch);
    },
  );
});

describe('interpolate', () => {
  it('reads variables with and without defaults, as Compose does', () => {
    expect(interpolate('${A:-x}/${B}/${C:-}', { A: '', B: 'b' })).toBe('x/b/');
    expect(interpolate('${A:-x}', { A: 'a' })).toBe('a');
  });
});
