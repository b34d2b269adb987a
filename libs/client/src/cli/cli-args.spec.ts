import { parseCliArgs, UsageError } from './cli-args';

describe('parseCliArgs', () => {
  it('has defaults for everything but the paths', () => {
    expect(parseCliArgs(['a.jpg', 'photos'], {})).toEqual({
      url: 'http://127.0.0.1:5000',
      concurrency: 4,
      timeoutS: 120,
      format: 'table',
      mode: 'sync',
      topK: undefined,
      apiKey: undefined,
      paths: ['a.jpg', 'photos'],
      help: false,
    });
  });

  it('reads every option, long and short', () => {
    const argv = ['--url', 'https://x.test/api', '-c', '8', '-f', 'jsonl', '--mode', 'async'];
    expect(parseCliArgs([...argv, '-k', '20', '--api-key', 'k', 'a.jpg'], {})).toMatchObject({
      url: 'https://x.test/api',
      concurrency: 8,
      format: 'jsonl',
      mode: 'async',
      topK: 20,
      apiKey: 'k',
    });
    expect(parseCliArgs(['--format=csv', '--top-k=1', 'a.jpg'], {})).toMatchObject({
      format: 'csv',
      topK: 1,
    });
  });

  it('falls back on IMGCLS_URL and IMGCLS_API_KEY, which the flags override', () => {
    const env = { IMGCLS_URL: 'http://api:5000', IMGCLS_API_KEY: 'from-env' };
    expect(parseCliArgs(['a.jpg'], env)).toMatchObject({ url: env.IMGCLS_URL, apiKey: 'from-env' });
    expect(parseCliArgs(['--url', 'http://b', '--api-key', 'f', 'a.jpg'], env)).toMatchObject({
      url: 'http://b',
      apiKey: 'f',
    });
  });

  it('needs no paths for --help', () => {
    expect(parseCliArgs(['-h'], {}).help).toBe(true);
  });

  it.each([
    [[], 'no files or folders given'],
    [['--nope', 'a.jpg'], "Unknown option '--nope'"],
    [['--url'], "Option '--url <value>' argument missing"],
    [['-c', '0', 'a.jpg'], '--concurrency "0" is not a whole number from 1 to 64'],
    [['-c', '2.5', 'a.jpg'], '--concurrency "2.5" is not a whole number'],
    [['-k', '21', 'a.jpg'], '--top-k "21" is not a whole number from 1 to 20'],
    [['-f', 'xml', 'a.jpg'], '--format "xml" is not one of: table, jsonl, csv'],
    [['--mode', 'batch', 'a.jpg'], '--mode "batch" is not one of: sync, async'],
    [['--url', 'localhost:5000', 'a.jpg'], '--url "localhost:5000" is not http:// or https://'],
    [['--url', '::', 'a.jpg'], '--url "::" is not a URL'],
  ])('refuses %j: %s', (argv, message) => {
    const attempt = () => parseCliArgs(argv, {});
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});
