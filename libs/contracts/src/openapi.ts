import { z } from 'zod';
import { ErrorBodySchema } from './errors';
import { LivenessSchema, ReadinessSchema } from './health';
import { JobAcceptedSchema, JobStateSchema } from './jobs';
import { ClassifyResponseSchema, PredictionSchema } from './result';
import { ModelsListSchema } from './workers';

const COMPONENTS = {
  Prediction: PredictionSchema,
  ClassifyResponse: ClassifyResponseSchema,
  Error: ErrorBodySchema,
  JobAccepted: JobAcceptedSchema,
  JobState: JobStateSchema,
  Models: ModelsListSchema,
  Readiness: ReadinessSchema,
  Liveness: LivenessSchema,
} as const;
export type ComponentName = keyof typeof COMPONENTS;

const COMPONENT_PATH = '#/components/schemas/';

/** `$ref` to one of the messages in the OpenAPI document's components. */
export const componentRef = (name: ComponentName): { $ref: string } => ({
  $ref: `${COMPONENT_PATH}${name}`,
});

/**
 * The OpenAPI 3.0 component schemas, generated from the same definitions that check the
 * messages at run time. Written as request-side ("input") schemas, so an object stays open
 * to fields added later.
 */
export function openApiComponentSchemas(): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `${COMPONENT_PATH}${id}`,
  });
  // `$id` is JSON Schema's, not OpenAPI 3.0's; the component's key already names it.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, schema]),
  );
}
