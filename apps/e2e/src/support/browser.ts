import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs the `chromium` package); Playwright never downloads one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Debian Chromium; fails loudly, never skips, when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM}: install Debian's package ` +
        '(apt-get install chromium); CI installs it',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

// In-page code is passed as text: the e2e project compiles without the DOM's types.
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) =>
  console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));`;

const FAILED_RESPONSE = /^Failed to load resource: the server responded with a status of (\d+)/;

/**
 * What went wrong in a page, as the test sees it: console errors (Chromium reports CSP
 * violations there), uncaught exceptions, CSP violation events, and requests that leave
 * `origin` (the page must load nothing from outside the api).
 */
export class PageProblems {
  private readonly seen: string[] = [];

  private constructor() {}

  /** Starts watching `page`; call before it loads anything. */
  static async watch(page: Page, origin: string): Promise<PageProblems> {
    const problems = new PageProblems();
    const seen = problems.seen;
    page.on('console', (message) => {
      if (message.type() === 'error') seen.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) {
        seen.push(`off-origin request: ${url}`);
      }
    });
    // Runs before the page's own code, outside its CSP; a violation ends up in the console.
    await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
    return problems;
  }

  /** Every problem so far, except the "failed to load" notes for the expected HTTP statuses. */
  list(expectedStatuses: readonly number[] = []): string[] {
    return this.seen.filter((problem) => {
      const status = problem.replace(/^console: /, '').match(FAILED_RESPONSE)?.[1];
      return status === undefined || !expectedStatuses.includes(Number(status));
    });
  }
}

export interface FileToDrop {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Drags `file` over the page and drops it on `selector`, as a user's drag and drop would. */
export async function dropFile(page: Page, selector: string, file: FileToDrop): Promise<void> {
  const dataTransfer = await page.evaluateHandle(`(() => {
    const bytes = Uint8Array.from(atob('${file.buffer.toString('base64')}'), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], ${JSON.stringify(file.name)}, { type: ${JSON.stringify(file.mimeType)} }));
    return transfer;
  })()`);
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
  await dataTransfer.dispose();
}
