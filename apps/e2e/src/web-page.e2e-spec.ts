import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, samplePhotos, type SamplePhoto } from '@imgcls/testing';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { dropFile, launchChromium, PageProblems } from './support/browser';
import { startStack, type Stack } from './support/stack';

/** Screenshots for people to look at; tmp/ is git-ignored. */
const ARTIFACTS = join(REPO_ROOT, 'tmp/artifacts');
const API_KEY = 'web-page-e2e-key';
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
const NOT_AN_IMAGE = {
  name: 'notes.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from('just some words, not an image\n'),
};

/**
 * The page at `/` in a real browser (Debian's Chromium, headless) against the whole stack, on
 * the test model `densenet121-synthetic` (not ImageNet-trained: it only knows the shared
 * photos). The api requires an API key here, so the page's key field is exercised too.
 */
describe('the try-it page (Chromium, densenet121-synthetic: a test model)', () => {
  let browser: Browser;
  let stack: Stack;
  const photos = samplePhotos();
  const photoNamed = (file: string): SamplePhoto => {
    const found = photos.find((p) => p.file === file);
    if (!found) throw new Error(`no shared photo ${file}`);
    return found;
  };
  const tench = photoNamed('n01440764_tench.JPEG');

  beforeAll(async () => {
    browser = await launchChromium(); // first, so a missing Chromium fails at once
    stack = await startStack({ env: { API_KEYS: API_KEY } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** `/` in a fresh browser context, watched for console errors and CSP violations. */
  async function openPage(
    options: BrowserContextOptions,
  ): Promise<{ page: Page; problems: PageProblems }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems = await PageProblems.watch(page, stack.url);
    const response = await page.goto(stack.url);
    expect(response?.status()).toBe(200);
    return { page, problems };
  }

  const text = (page: Page, selector: string): Promise<string> =>
    page.locator(selector).innerText();
  const barsOf = (page: Page) => page.getByRole('list', { name: 'Top 5' }).getByRole('listitem');

  it('serves the page, its script and its stylesheet without a key, under the default CSP', async () => {
    const served = await Promise.all(
      ['/', '/app.js', '/app.css'].map(async (path) => {
        const response = await fetch(`${stack.url}${path}`);
        await response.arrayBuffer();
        return [path, response.status, response.headers.get('content-type')];
      }),
    );
    expect(served).toEqual([
      ['/', 200, 'text/html; charset=utf-8'],
      ['/app.js', 200, 'text/javascript; charset=utf-8'],
      ['/app.css', 200, 'text/css; charset=utf-8'],
    ]);
    const csp = (await fetch(stack.url)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
  });

  it('classifies a photo chosen with the file input: class, five bars, model, latency', async () => {
    const { page, problems } = await openPage(DESKTOP);
    // Keyboard first: Tab reaches the file input, then the key field.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('file');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('api-key');
    await page.keyboard.type(API_KEY);

    await page.getByLabel(/^Image/).setInputFiles(tench.path);
    await page.getByRole('heading', { level: 2, name: 'tench' }).waitFor();

    const bars = barsOf(page);
    expect(await bars.count()).toBe(5);
    expect(await bars.first().innerText()).toMatch(/^tench n01440764\s+\d+\.\d+%$/);
    expect(await text(page, '#top-detail')).toMatch(/^\d+\.\d+% · class id n01440764 · index 0$/);
    expect(await page.getByText('Test model — not ImageNet-trained').isVisible()).toBe(true);
    expect(await text(page, '#model-name')).toBe('densenet121-synthetic');
    expect(await text(page, '#latency')).toMatch(/^\d+ ms, measured in this browser$/);
    expect(await text(page, '#worker-timings')).toMatch(/^queue .* ms · preprocess .* ms/);
    expect(await page.evaluate("document.getElementById('preview').naturalWidth")).toBeGreaterThan(
      0,
    );
    expect(await page.getByRole('alert').innerText()).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-desktop.png'), fullPage: true });
    expect(problems.list()).toEqual([]);
  });

  it('says in words that a key is needed, and that a text file is not an image', async () => {
    const { page, problems } = await openPage(DESKTOP);
    const alert = page.getByRole('alert');

    await page.getByLabel(/^Image/).setInputFiles(tench.path);
    await alert.filter({ hasText: 'UNAUTHORIZED' }).waitFor();
    expect(await alert.innerText()).toContain('an API key is required');

    // What the api itself says about these bytes is what the page must show.
    const form = new FormData();
    form.append('file', new Blob([NOT_AN_IMAGE.buffer]), NOT_AN_IMAGE.name);
    const refusal = await fetch(`${stack.url}/run_inference`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: form,
    });
    const { error } = (await refusal.json()) as { error: { code: string; message: string } };

    await page.getByLabel('API key').fill(API_KEY);
    await page.getByLabel(/^Image/).setInputFiles(NOT_AN_IMAGE);
    await alert.filter({ hasText: NOT_AN_IMAGE.name }).waitFor();
    const shown = await alert.innerText();
    expect(shown).toContain(`Could not classify ${NOT_AN_IMAGE.name}: `);
    expect(shown).toContain(error.message);
    expect(shown).toContain(`(${error.code})`);
    expect(await page.locator('#prediction').isVisible()).toBe(false);
    expect(await page.locator('#preview').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-error.png'), fullPage: true });
    expect(problems.list([401, refusal.status])).toEqual([]);
  });

  it('fits a 375×667 phone screen, and classifies a photo dropped on it', async () => {
    const { page, problems } = await openPage(PHONE);
    const ray = photoNamed('n01496331_electric_ray.JPEG');
    await page.getByLabel('API key').fill(API_KEY);
    await dropFile(page, '#drop-zone', {
      name: ray.file,
      mimeType: 'image/jpeg',
      buffer: await readFile(ray.path),
    });
    await page.getByRole('heading', { level: 2, name: ray.className }).waitFor();
    expect(await barsOf(page).count()).toBe(5);
    // Nothing sticks out sideways: no horizontal scrolling on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-mobile.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'web-page-mobile-full.png'), fullPage: true });
    expect(problems.list()).toEqual([]);
  });
});
