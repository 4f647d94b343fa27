// Adapts src/nn (fetchModel + createMiniXception) to the engine's LoadedModel.
import { fetchModel } from '../nn/weights';
import type { LoadedModel, ModelLoader } from './inference-engine';

export const loadModel: ModelLoader = async (baseUrl, name): Promise<LoadedModel> => {
  const { spec, weights } = await fetchModel(baseUrl, name);
  return {
    classes: [...spec.classes],
    inputSize: spec.input.size,
    create: async () => {
      void weights;
      throw new Error('the model runner (src/nn/mini-xception.ts) is not in this build yet');
    },
  };
};
