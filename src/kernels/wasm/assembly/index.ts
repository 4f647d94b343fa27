// The emolens WebAssembly SIMD kernels (src/kernels/wasm/kernels.ts is their TypeScript face).
// Every kernel reads and writes f32 NHWC tensors at byte offsets in the one imported memory, which
// the caller lays out once at load; nothing here allocates.
export { conv2d, pointwise } from './conv';
export { depthwise3x3 } from './depthwise';
export { affine, globalAvgPool, maxpool2x2, maxpool3s2Add, upsampleAdd } from './pool';
export { fmaChains } from './roofline';
export { cropResize, resizeToTensor, yuvToRgba } from './image';
