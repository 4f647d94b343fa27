// Adapts src/nn (fetchModel + createMiniXception) to the engine's LoadedModel.
import type { LoadedModel, ModelLoader } from './inference-engine';

export const loadModel: ModelLoader = async (): Promise<LoadedModel> => {
  throw new Error('the model runner (src/nn) is not in this build yet');
};
