// The try-it page: sends one image to POST /run_inference and draws its top 5 classes.
// Bundled into one same-origin script (app.js) by the api's build: the api's
// Content-Security-Policy forbids inline code. It takes the contract's types only: the runtime
// checks would bundle the schema library (800 kB) into a page that talks to its own origin.
import type {
  ClassifyResponse,
  ErrorBody,
  ErrorCode,
  JobAccepted,
  JobState,
  Prediction,
} from '@imgcls/contracts';

const TOP_K = 5;
const POLL_INTERVAL_MS = 500;

/** What to do next, by error code (the api's message says what went wrong). */
const HINTS: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'Enter a valid key in the API key field, then press Classify again.',
  QUEUE_FULL: 'The service is busy: try again in a few seconds.',
  UNAVAILABLE: 'The service is not ready: try again in a few seconds.',
};

/** An element the page's HTML has; a missing one is a bug in the page, reported at load. */
function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as E;
}
const form = byId<HTMLFormElement>('form');
const fileInput = byId<HTMLInputElement>('file');
const keyInput = byId<HTMLInputElement>('api-key');
const classifyButton = byId<HTMLButtonElement>('classify');
const dropZone = byId('drop-zone');
const statusLine = byId('status');
const errorBox = byId('error');
const output = byId('output');
const preview = byId<HTMLImageElement>('preview');
const prediction = byId('prediction');

let chosen: File | undefined; // the File on show
let latest = 0; // number of the newest request: answers to older ones are dropped

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) choose(file);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (chosen) void classify(chosen);
});
// Drops count anywhere on the page, so a near miss never makes the browser open the file.
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) dropZone.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  const file = event.dataTransfer?.files[0];
  if (file) choose(file);
});
// A format this browser cannot show (the api may still classify it).
preview.addEventListener('error', () => {
  preview.hidden = true;
});

function choose(file: File): void {
  chosen = file;
  output.hidden = true;
  classifyButton.disabled = false;
  showPreview(file);
  void classify(file);
}

function showPreview(file: File): void {
  preview.hidden = true;
  preview.removeAttribute('src');
  if (!file.type.startsWith('image/')) return;
  // A data: URL, because the CSP's img-src allows 'self' and data: but not blob:.
  const reader = new FileReader();
  reader.addEventListener('load', () => {
    if (file !== chosen) return;
    if (typeof reader.result === 'string') preview.src = reader.result;
    preview.hidden = false;
    output.hidden = false;
  });
  reader.readAsDataURL(file);
}

async function classify(file: File): Promise<void> {
  const request = ++latest;
  errorBox.textContent = '';
  prediction.hidden = true;
  statusLine.textContent = `Classifying ${file.name}…`;
  const started = performance.now();
  try {
    const result = await submit(file);
    if (request !== latest) return;
    statusLine.textContent = `Classified ${file.name}.`;
    showPrediction(result, performance.now() - started);
  } catch (error) {
    if (request !== latest) return;
    statusLine.textContent = '';
    const reason = error instanceof Error ? error.message : String(error);
    errorBox.textContent = `Could not classify ${file.name}: ${reason}`;
  }
}

/** The classification of `file`; a job that outlives the api's sync timeout (202) is polled. */
async function submit(file: File): Promise<ClassifyResponse> {
  const body = new FormData();
  body.append('file', file, file.name);
  const answer = await call(`run_inference?top_k=${TOP_K}`, { method: 'POST', body });
  if (answer.status !== 202) return answer.body as ClassifyResponse;
  const { status_url: statusUrl } = answer.body as JobAccepted;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    const job = (await call(statusUrl)).body as JobState;
    if (job.status === 'succeeded' && job.result) return job.result;
    if (job.status === 'failed' && job.error) throw new Error(describe(job.error));
  }
}

/** fetch with the API key: the status and JSON of a 2xx answer, or an Error in words. */
async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = keyInput.value.trim();
  if (key) headers['x-api-key'] = key;
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch {
    throw new Error(
      'the service could not be reached. Check your network connection and that the api ' +
        'is running, then try again.',
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && body !== undefined) return { status: response.status, body };
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  if (typeof error?.message === 'string') throw new Error(describe(error));
  throw new Error(`the service answered HTTP ${response.status} without a result. Try again.`);
}

/** The api's own words, what to do next, and the code to quote when asking for help. */
function describe(error: ErrorBody['error']): string {
  const message = `${error.message.replace(/\.$/, '')}.`;
  return [message, HINTS[error.code], `(${error.code})`].filter(Boolean).join(' ');
}

function showPrediction(result: ClassifyResponse, roundTripMs: number): void {
  byId('test-model').hidden = !result.model.test_model;
  byId('top-class').textContent = result.class_name;
  byId('top-detail').textContent =
    `${percent(result.probability)} · class id ${result.class_id} · index ${result.class_index}`;
  byId('top-k').replaceChildren(...result.top_k.map(bar));
  byId('model-name').textContent = result.model.name;
  byId('latency').textContent = `${Math.round(roundTripMs)} ms, measured in this browser`;
  const t = result.timings;
  byId('worker-timings').textContent =
    `queue ${ms(t.queue_wait_ms)} · preprocess ${ms(t.preprocess_ms)} · ` +
    `inference ${ms(t.inference_ms)}`;
  prediction.hidden = false;
  output.hidden = false;
  // On a phone the answer lands below the form: bring it into view.
  if (byId('top-class').getBoundingClientRect().bottom > window.innerHeight) {
    output.scrollIntoView({ block: 'start' });
  }
}

/** One row of the chart: name, class id and percent in words, then a bar for the eye. */
function bar(p: Prediction): HTMLLIElement {
  const row = element('li', 'bar');
  const name = element('span', 'bar-name', p.class_name);
  name.append(' ', element('span', 'bar-id', p.class_id));
  const track = element('span', 'bar-track');
  track.setAttribute('aria-hidden', 'true');
  const fill = element('span', 'bar-fill');
  fill.style.width = `${Math.min(100, p.probability * 100)}%`;
  track.append(fill);
  row.append(name, element('span', 'bar-value', percent(p.probability)), track);
  return row;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function percent(probability: number): string {
  const value = probability * 100;
  if (value < 0.01) return '<0.01%';
  return `${value.toFixed(value < 10 ? 2 : 1)}%`;
}

const ms = (value: number): string => `${Math.round(value * 10) / 10} ms`;
