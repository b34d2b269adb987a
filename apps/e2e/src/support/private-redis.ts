import { spawn, type ChildProcess } from 'node:child_process';
import { assertRedisUp, freePort } from '@imgcls/testing';
import { eventually } from './concurrency';

/**
 * A redis-server of the test's own (Debian's package), that the test may stop and start
 * again on the same port without disturbing the shared one.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await eventually('private redis-server answers', 10_000, () =>
      assertRedisUp(this.url).then(
        () => true,
        () => undefined,
      ),
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
