import type { ModelDescription } from '@imgcls/contracts';
import { StartupError } from '@imgcls/env';
import { LabelSet } from '@imgcls/labels';
import {
  loadLabelsManifest,
  loadModelManifest,
  sha256File,
  verifyLabelsFile,
  verifyModelFile,
  type ModelManifest,
} from '@imgcls/models';
import type { WorkerConfig } from './config';
import type { Classifier } from './model/classifier';
import { InferencePool } from './model/inference-pool';
import { OnnxClassifier } from './model/onnx-classifier';

export interface LoadedModel {
  manifest: ModelManifest;
  classifier: Classifier;
  labels: LabelSet;
  /** What heartbeats and `GET /models` say about it. */
  description: ModelDescription;
}

/**
 * Loads the configured model and its labels, checks them against their manifests and warms
 * the sessions up. Every problem becomes a one-line StartupError that names the fix.
 * `onModelFailure` hears of an inference thread that dies later.
 */
export async function loadModel(
  config: WorkerConfig,
  onModelFailure: (error: Error) => void,
): Promise<LoadedModel> {
  const manifest = await startupStep(() => loadModelManifest(config.model, config.modelsDir));
  const labelsManifest = await startupStep(() =>
    loadLabelsManifest(manifest.labels, config.labelsDir),
  );
  const [modelPath, labelsPath] = await Promise.all([
    startupStep(() => verifyModelFile(manifest, config.modelsDir)),
    startupStep(() => verifyLabelsFile(labelsManifest, config.labelsDir)),
  ]);
  const labels = await LabelSet.load(labelsPath);
  const options = { intraOpThreads: config.intraOpThreads };
  const classifier =
    config.inferenceThreads > 0
      ? await InferencePool.start(
          {
            sessions: config.inferenceThreads,
            intraOpThreads: config.intraOpThreads,
            loneJobThreads: config.loneJobThreads,
            niceIncrement: config.inferenceNice,
            maxBatch: config.maxBatchSize,
          },
          modelPath,
          manifest,
          onModelFailure,
        )
      : await OnnxClassifier.load(modelPath, manifest, options).then(async (loaded) => {
          await loaded.warmUp();
          return loaded;
        });
  if (classifier.classes !== labels.size) {
    throw new StartupError(
      `model ${manifest.name} has ${classifier.classes} outputs but ${labelsManifest.name} has ${labels.size} classes`,
    );
  }
  // A fixed artifact's checksum was just verified; a locally exported one is hashed as loaded.
  const sha256 = manifest.sha256 ?? (await sha256File(modelPath));
  return {
    manifest,
    classifier,
    labels,
    description: describeModel(manifest, labels.size, sha256),
  };
}

function describeModel(manifest: ModelManifest, classes: number, sha256: string): ModelDescription {
  return {
    name: manifest.name,
    description: manifest.description,
    test_model: manifest.testModel,
    input: manifest.input,
    classes,
    source: manifest.url ?? manifest.export?.weights.url ?? null,
    sha256,
  };
}

async function startupStep<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StartupError(error instanceof Error ? error.message : String(error));
  }
}
