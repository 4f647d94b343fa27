// tools/convert-yunet.mjs on the original file (EMOLENS_DATA/models/): the committed weights/yunet.*
// are what the converter makes of it today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertYunet, specText } from '../../tools/convert-yunet.mjs';
import { root } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [YUNET_ONNX] = useData(import.meta, ['models', 'face_detection_yunet_2023mar.onnx']);

test('weights/yunet.{json,safetensors} are up to date with the converter (npm run convert:yunet)', () => {
  const { spec, bytes } = convertYunet(YUNET_ONNX);
  assert.equal(specText(spec), readFileSync(join(root, 'weights/yunet.json'), 'utf8'));
  assert.ok(Buffer.compare(bytes, readFileSync(join(root, 'weights/yunet.safetensors'))) === 0, 'weights/yunet.safetensors differs: run npm run convert:yunet');
  assert.equal(spec.source.sha256, '8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4');
});
