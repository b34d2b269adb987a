import { z } from 'zod';

/** `GET /health/live`: the process is up. */
export const LivenessSchema = z.object({ status: z.literal('ok') });
export type Liveness = z.infer<typeof LivenessSchema>;

/** `GET /health/ready`: Redis answers and at least one worker with its model is alive. */
export const ReadinessSchema = z.object({
  status: z.literal('ok'),
  redis: z.literal(true),
  workers: z.number().int().min(1),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
