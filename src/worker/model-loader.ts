// Adapts src/nn (fetchModel + createMiniXception) to the engine's LoadedModel. The weights are
// fetched, validated and BN-folded once; classifiers for either backend are built from them (and
// rebuilt from them after a lost device) without fetching again.
import { createMiniXception } from '../nn/mini-xception/mini-xception';
import { createSaliency } from '../nn/saliency/saliency';
import { declineRule } from '../nn/gender/decline';
import { fetchModel } from '../nn/mini-xception/weights';
import type { LoadedModel, ModelLoader } from './inference-engine';

export const loadModel: ModelLoader = async (baseUrl, name): Promise<LoadedModel> => {
  const { spec, weights } = await fetchModel(baseUrl, name);
  return {
    classes: [...spec.classes],
    inputSize: spec.input.size,
    channels: spec.input.channels,
    decline: declineRule(spec),
    ageHead: Boolean(spec.outputs?.age_band),
    create: (options) => createMiniXception(weights, options),
    createSaliency: (options) => createSaliency(weights, options),
  };
};
