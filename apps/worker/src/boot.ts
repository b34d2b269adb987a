import { StartupError } from '@imgcls/env';
import { LabelSet } from '@imgcls/labels';
import {
  loadLabelsManifest,
  loadModelManifest,
  verifyLabelsFile,
  verifyModelFile,
  type ModelManifest,
} from '@imgcls/models';
import type { WorkerConfig } from './config';
import { OnnxClassifier } from './model/onnx-classifier';

export interface LoadedModel {
  manifest: ModelManifest;
  classifier: OnnxClassifier;
  labels: LabelSet;
}

/**
 * Loads the configured model and its labels, checks them against their manifests and warms
 * the session up. Every problem becomes a one-line StartupError that names the fix.
 */
export async function loadModel(config: WorkerConfig): Promise<LoadedModel> {
  const manifest = await startupStep(() => loadModelManifest(config.model, config.modelsDir));
  const labelsManifest = await startupStep(() =>
    loadLabelsManifest(manifest.labels, config.labelsDir),
  );
  const [modelPath, labelsPath] = await Promise.all([
    startupStep(() => verifyModelFile(manifest, config.modelsDir)),
    startupStep(() => verifyLabelsFile(labelsManifest, config.labelsDir)),
  ]);
  const labels = await LabelSet.load(labelsPath);
  const classifier = await OnnxClassifier.load(modelPath, manifest, {
    intraOpThreads: config.intraOpThreads,
  });
  if (classifier.classes !== labels.size) {
    throw new StartupError(
      `model ${manifest.name} has ${classifier.classes} outputs but ${labelsManifest.name} has ${labels.size} classes`,
    );
  }
  await classifier.warmUp();
  return { manifest, classifier, labels };
}

async function startupStep<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StartupError(error instanceof Error ? error.message : String(error));
  }
}
