// Guided ReLU backward (Springenberg et al. 2015) on NHWC: the gradient passes where the ReLU's
// forward input was positive AND the incoming gradient is positive, else 0. CPU backend and
// oracle for shaders/relu-backward.wgsl and for the guided epilogues of the other *-backward
// kernels. `fwd` may be the ReLU's input or its output: relu(x) > 0 exactly when x > 0.
import { type Tensor, tensor } from './tensor.js';

export function guidedReluBackwardRef(g: Tensor, fwd: Tensor): Tensor {
  if (g.data.length !== fwd.data.length) throw new Error(`guidedReluBackwardRef: gradient [${g.shape}] and forward [${fwd.shape}] differ in size`);
  const out = tensor([...g.shape]);
  const G = g.data, F = fwd.data, O = out.data;
  for (let i = 0; i < G.length; i++) O[i] = F[i] > 0 && G[i] > 0 ? G[i] : 0;
  return out;
}
