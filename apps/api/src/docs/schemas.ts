import { ERROR_CODES, JOB_STATUSES } from '@imgcls/contracts';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** `$ref` to one of the component schemas below. */
export const ref = (name: keyof typeof COMPONENT_SCHEMAS): { $ref: string } => ({
  $ref: `#/components/schemas/${name}`,
});

const prediction: SchemaObject = {
  type: 'object',
  required: ['class_id', 'class_name', 'class_index', 'probability'],
  properties: {
    class_id: {
      type: 'string',
      pattern: '^n\\d{8}$',
      example: 'n01440764',
      description: 'WordNet id',
    },
    class_name: { type: 'string', example: 'tench' },
    class_index: { type: 'integer', minimum: 0, example: 0 },
    probability: { type: 'number', minimum: 0, maximum: 1, example: 0.83 },
  },
};

const classifyResponse: SchemaObject = {
  allOf: [
    { $ref: '#/components/schemas/Prediction' },
    {
      type: 'object',
      required: ['job_id', 'top_k', 'model', 'timings'],
      properties: {
        job_id: { type: 'string', format: 'uuid' },
        top_k: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } },
        model: {
          type: 'object',
          required: ['name', 'test_model'],
          properties: {
            name: { type: 'string', example: 'densenet121' },
            test_model: {
              type: 'boolean',
              description: 'true for stand-ins not trained on ImageNet',
            },
          },
        },
        timings: {
          type: 'object',
          required: ['queue_wait_ms', 'preprocess_ms', 'inference_ms'],
          properties: {
            queue_wait_ms: { type: 'number' },
            preprocess_ms: { type: 'number' },
            inference_ms: { type: 'number' },
          },
        },
      },
    },
  ],
};

const errorBody: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        message: {
          type: 'string',
          description: 'What failed, the offending value and what is allowed',
        },
      },
    },
  },
};

const jobAccepted: SchemaObject = {
  type: 'object',
  required: ['job_id', 'status', 'status_url'],
  properties: {
    job_id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: [...JOB_STATUSES] },
    status_url: { type: 'string', example: '/jobs/1838b9a8-0b14-432a-ae26-90324a6869bb' },
  },
};

const jobState: SchemaObject = {
  type: 'object',
  required: ['job_id', 'status', 'created_at'],
  properties: {
    job_id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: [...JOB_STATUSES] },
    result: { $ref: '#/components/schemas/ClassifyResponse' },
    error: errorBody.properties?.['error'] as SchemaObject,
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
  },
};

const model: SchemaObject = {
  type: 'object',
  required: [
    'name',
    'description',
    'test_model',
    'input',
    'classes',
    'source',
    'sha256',
    'workers',
  ],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    test_model: { type: 'boolean' },
    input: {
      type: 'object',
      required: ['name', 'shape'],
      properties: {
        name: { type: 'string' },
        shape: { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'string' }] } },
      },
    },
    classes: { type: 'integer' },
    source: { type: 'string', nullable: true },
    sha256: { type: 'string', nullable: true },
    workers: { type: 'integer', minimum: 1 },
  },
};

export const COMPONENT_SCHEMAS = {
  Prediction: prediction,
  ClassifyResponse: classifyResponse,
  Error: errorBody,
  JobAccepted: jobAccepted,
  JobState: jobState,
  Models: {
    type: 'object',
    required: ['models'],
    properties: { models: { type: 'array', items: model } },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'redis', 'workers'],
    properties: {
      status: { type: 'string', enum: ['ok'] },
      redis: { type: 'boolean' },
      workers: { type: 'integer' },
    },
  },
  Liveness: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ok'] } },
  },
} satisfies Record<string, SchemaObject>;
