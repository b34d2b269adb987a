import type { Browser } from 'playwright-core';
import { photo } from './support/jobs';
import { launchChromium, PageProblems } from './support/browser';
import { startStack, type Stack } from './support/stack';

/**
 * Swagger UI's "Try it out" in a real browser (Debian's Chromium, headless) against the whole
 * stack on the test model `densenet121-synthetic` (not ImageNet-trained: it knows the shared
 * photos only). The OpenAPI document must let it send the request as a user fills it in.
 */
describe('Swagger UI (Chromium, densenet121-synthetic: a test model)', () => {
  let browser: Browser;
  let stack: Stack;

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startStack();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('"Try it out" sends POST /run_inference with a file and shows the 200', async () => {
    const { bytes, file, wnid } = await photo(0);
    const page = await (await browser.newContext()).newPage();
    const problems = await PageProblems.watch(page, stack.url);
    await page.goto(`${stack.url}/docs`);
    const operation = page.locator('.opblock-post', { hasText: '/run_inference' });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    // The multipart form is Swagger UI's choice for this body; pick it, then the file.
    await operation.locator('.body-param-content-type select').selectOption('multipart/form-data');
    await operation
      .locator('input[type=file]')
      .setInputFiles({ name: file, mimeType: 'image/jpeg', buffer: bytes });
    await operation.getByRole('button', { name: 'Execute' }).click();

    const status = operation.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor({ timeout: 30_000 });
    expect((await status.first().innerText()).trim()).toBe('200');
    const body = await operation.locator('.live-responses-table .microlight').first().innerText();
    expect(body).toContain(`"class_id": "${wnid}"`);
    expect(problems.list()).toEqual([]);
  });

  it('describes Prefer once, as optional (a required `prefer` made Swagger UI refuse to send)', async () => {
    const doc = (await (await fetch(`${stack.url}/docs-json`)).json()) as {
      paths: Record<string, { post?: { parameters?: { name: string; required?: boolean }[] } }>;
    };
    const parameters = doc.paths['/run_inference']?.post?.parameters ?? [];
    const prefer = parameters.filter((p) => p.name.toLowerCase() === 'prefer');
    expect(prefer).toEqual([expect.objectContaining({ name: 'Prefer', required: false })]);
    expect(parameters.filter((p) => p.required)).toEqual([]);
  });
});
