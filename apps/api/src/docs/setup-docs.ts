import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SCHEME } from './api-docs.decorators';
import { COMPONENT_SCHEMAS } from './schemas';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/bmp'];

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
  document.components = { ...document.components, schemas: { ...COMPONENT_SCHEMAS } };
  describeUpload(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/** One upload, two encodings: the multipart field `file`, or the image as the body. */
function describeUpload(document: OpenAPIObject): void {
  const operation = document.paths['/run_inference']?.post;
  if (!operation) throw new Error('POST /run_inference is missing from the OpenAPI document');
  const binary = { type: 'string', format: 'binary' } as const;
  operation.requestBody = {
    required: true,
    content: {
      'multipart/form-data': {
        schema: { type: 'object', required: ['file'], properties: { file: binary } },
      },
      ...Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: binary }])),
    },
  };
}
