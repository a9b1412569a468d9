/** A TF.js LayersModel as the two files the trainer writes for it (model.json and weights.bin). */
import { tf } from '@ganforge/trainer/browser';

export async function layersModelFiles(
  model: tf.LayersModel,
): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve, reject) => {
    model
      .save(
        tf.io.withSaveHandler(async (a) => {
          resolve(a);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      )
      .catch(reject);
  });
  const weightData = artifacts.weightData;
  const weights = new Uint8Array(
    Array.isArray(weightData)
      ? tf.io.concatenateArrayBuffers(weightData)
      : (weightData ?? new ArrayBuffer(0)),
  );
  const modelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(modelJson)), weights };
}
