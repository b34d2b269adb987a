import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { photo } from './support/jobs';
import { startStack, type Stack } from './support/stack';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
}

describe('the OpenAPI document', () => {
  let stack: Stack;
  let doc: OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    // debug: Nest's route-mapping lines, which this suite reads, are logged at debug only.
    stack = await startStack({ env: { LOG_LEVEL: 'debug' } });
    doc = (await (await fetch(`${stack.url}/docs-json`)).json()) as OpenApiDocument;
    ajv.addSchema({ $id: 'openapi', components: doc.components });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Checks a real response against the schema the document gives for it. */
  async function expectDocumented(path: string, method: string, response: Response): Promise<void> {
    const documented = doc.paths[path]?.[method]?.responses[String(response.status)];
    const schema = documented?.content?.['application/json']?.schema;
    if (!schema)
      throw new Error(`${method.toUpperCase()} ${path} has no documented ${response.status}`);
    const refs = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components', '"openapi#/components'),
    ) as object;
    const validate = ajv.compile(refs);
    const body: unknown = await response.json();
    expect({
      status: response.status,
      body,
      errors: validate(body) ? null : validate.errors,
    }).toMatchObject({
      errors: null,
    });
  }

  it('is a valid OpenAPI 3 document, served with Swagger UI at /docs', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
    const ui = await fetch(`${stack.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('describes every route the api serves', () => {
    const routes = stack.api.log
      .split('\n')
      .flatMap((line) => [...line.matchAll(/Mapped \{(\S+), (\w+)\} route/g)])
      .map(
        ([, path = '', method = '']) =>
          [path.replace(/:(\w+)/g, '{$1}'), method.toLowerCase()] as const,
      );
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const missing = routes.filter(([path, method]) => doc.paths[path]?.[method] === undefined);
    expect(missing).toEqual([]);
  });

  it('matches real answers: one success and three errors', async () => {
    const image = (await photo(0)).bytes;
    const post = (body: Buffer | string, type: string, query = '') =>
      fetch(`${stack.url}/run_inference${query}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });

    await expectDocumented('/run_inference', 'post', await post(image, 'image/jpeg'));
    await expectDocumented(
      '/run_inference',
      'post',
      await post(image, 'image/jpeg', '?mode=async'),
    );
    await expectDocumented('/run_inference', 'post', await post('not an image', 'image/png'));
    await expectDocumented('/run_inference', 'post', await post(image, 'image/jpeg', '?top_k=0'));
    await expectDocumented(
      '/jobs/{id}',
      'get',
      await fetch(`${stack.url}/jobs/00000000-0000-4000-8000-000000000000`),
    );
    await expectDocumented('/models', 'get', await fetch(`${stack.url}/models`));
    await expectDocumented('/health/ready', 'get', await fetch(`${stack.url}/health/ready`));
  });
});
