'use strict';
// The try-it page: sends one image to POST /run_inference and draws its top 5 classes.
// A plain script with no build step; the api's Content-Security-Policy forbids inline code.

const TOP_K = 5;
const POLL_INTERVAL_MS = 500;

/** What to do next, by error code (the api's message says what went wrong). */
const HINTS = {
  UNAUTHORIZED: 'Enter a valid key in the API key field, then press Classify again.',
  QUEUE_FULL: 'The service is busy: try again in a few seconds.',
  UNAVAILABLE: 'The service is not ready: try again in a few seconds.',
};

const byId = (id) => document.getElementById(id);
const form = byId('form');
const fileInput = byId('file');
const keyInput = byId('api-key');
const classifyButton = byId('classify');
const dropZone = byId('drop-zone');
const statusLine = byId('status');
const errorBox = byId('error');
const output = byId('output');
const preview = byId('preview');
const prediction = byId('prediction');

let chosen; // the File on show
let latest = 0; // number of the newest request: answers to older ones are dropped

fileInput.addEventListener('change', () => {
  if (fileInput.files.length > 0) choose(fileInput.files[0]);
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
  const file = event.dataTransfer && event.dataTransfer.files[0];
  if (file) choose(file);
});
// A format this browser cannot show (the api may still classify it).
preview.addEventListener('error', () => {
  preview.hidden = true;
});

function choose(file) {
  chosen = file;
  output.hidden = true;
  classifyButton.disabled = false;
  showPreview(file);
  void classify(file);
}

function showPreview(file) {
  preview.hidden = true;
  preview.removeAttribute('src');
  if (!file.type.startsWith('image/')) return;
  // A data: URL, because the CSP's img-src allows 'self' and data: but not blob:.
  const reader = new FileReader();
  reader.addEventListener('load', () => {
    if (file !== chosen) return;
    preview.src = reader.result;
    preview.hidden = false;
    output.hidden = false;
  });
  reader.readAsDataURL(file);
}

async function classify(file) {
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
    errorBox.textContent = `Could not classify ${file.name}: ${error.message}`;
  }
}

/** The classification of `file`; a job that outlives the api's sync timeout (202) is polled. */
async function submit(file) {
  const body = new FormData();
  body.append('file', file, file.name);
  const answer = await call(`run_inference?top_k=${TOP_K}`, { method: 'POST', body });
  if (answer.status !== 202) return answer.body;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    const job = (await call(answer.body.status_url)).body;
    if (job.status === 'succeeded') return job.result;
    if (job.status === 'failed') throw new Error(describe(job.error));
  }
}

/** fetch with the API key: the status and JSON of a 2xx answer, or an Error in words. */
async function call(url, init = {}) {
  const headers = { accept: 'application/json' };
  const key = keyInput.value.trim();
  if (key) headers['x-api-key'] = key;
  let response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch {
    throw new Error(
      'the service could not be reached. Check your network connection and that the api ' +
        'is running, then try again.',
    );
  }
  const body = await response.json().catch(() => undefined);
  if (response.ok && body) return { status: response.status, body };
  if (body && body.error && typeof body.error.message === 'string') {
    throw new Error(describe(body.error));
  }
  throw new Error(`the service answered HTTP ${response.status} without a result. Try again.`);
}

/** The api's own words, what to do next, and the code to quote when asking for help. */
function describe(error) {
  const message = `${error.message.replace(/\.$/, '')}.`;
  return [message, HINTS[error.code], `(${error.code})`].filter(Boolean).join(' ');
}

function showPrediction(result, roundTripMs) {
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
function bar(p) {
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

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function percent(probability) {
  const value = probability * 100;
  if (value < 0.01) return '<0.01%';
  return `${value.toFixed(value < 10 ? 2 : 1)}%`;
}

const ms = (value) => `${Math.round(value * 10) / 10} ms`;
