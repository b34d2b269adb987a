import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ClassifyQuerySchema, IMAGE_FORMATS, openApiComponentSchemas } from '@imgcls/contracts';
import { z } from 'zod';
import { API_KEY_SCHEME } from './api-docs.decorators';

/** Swagger UI at `/docs`, the OpenAPI 3 document at `/docs-json`. */
export function setupDocs(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('imgcls')
    .setDescription(
      'ImageNet classification: POST an image, get its class. Errors are always ' +
        '`{"error": {"code", "message"}}`; clients match on `code`.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, API_KEY_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: openApiComponentSchemas() };
  describeClassify(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/**
 * The classify operation's query, from its contract schema, and its one upload in two
 * encodings: the multipart field `file`, or the image as the body.
 */
function describeClassify(document: OpenAPIObject): void {
  const operation = document.paths['/run_inference']?.post;
  if (!operation) throw new Error('POST /run_inference is missing from the OpenAPI document');
  const query = Object.entries(ClassifyQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query' as const,
    required: false,
    schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output' }) as SchemaObject,
  }));
  operation.parameters = [...query, ...(operation.parameters ?? [])];
  const binary = { type: 'string', format: 'binary' } as const;
  operation.requestBody = {
    required: true,
    content: {
      'multipart/form-data': {
        schema: { type: 'object', required: ['file'], properties: { file: binary } },
      },
      ...Object.fromEntries(
        Object.values(IMAGE_FORMATS).map(({ mediaType }) => [mediaType, { schema: binary }]),
      ),
    },
  };
}
