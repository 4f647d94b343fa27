// Integrity of the weights that run: each weights/<model>.json names its .safetensors file with its
// size and SHA-256 ("weights": { "file", "bytes", "sha256" }, written by training/export.py and
// tools/convert-yunet.mjs). The loaders check the downloaded bytes against it (Web Crypto) before
// parsing, because a damaged file can keep a valid structure and finite values and still make a
// classifier answer confidently wrong (100 flipped bytes turned three faces into "surprise" at 1.0).

import { sha256 } from '@noble/hashes/sha2.js';

export interface WeightsDigest {
  /** The .safetensors file name, relative to the manifest. */
  file: string;
  bytes: number;
  /** Lower-case hex. */
  sha256: string;
}

/** The `weights` entry of a parsed manifest; an error naming the manifest when it is missing or malformed. */
export function weightsDigest(json: unknown, source: string): WeightsDigest {
  const w = typeof json === 'object' && json !== null ? (json as { weights?: unknown }).weights : undefined;
  const ok = typeof w === 'object' && w !== null;
  const { file, bytes, sha256 } = (ok ? w : {}) as Partial<Record<keyof WeightsDigest, unknown>>;
  if (!ok || typeof file !== 'string' || !file || !Number.isSafeInteger(bytes) || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new Error(`${source} has no valid "weights": {"file", "bytes", "sha256"} entry, so its weights cannot be checked (re-export them)`);
  }
  return { file, bytes: bytes as number, sha256 };
}

/** The manifest's digest of `file`, the weights file the loader fetched beside it. */
export function manifestDigest(json: unknown, source: string, file: string): WeightsDigest {
  const digest = weightsDigest(json, source);
  if (digest.file !== file) throw new Error(`${source} describes the weights file "${digest.file}", not ${file}`);
  return digest;
}

/**
 * SHA-256 as lower-case hex: Web Crypto where it exists (secure contexts, workers, Node ≥ 19), else
 * @noble/hashes, so a page served over plain http on a LAN address (no Web Crypto, no WebGPU) still
 * checks its weights and runs on the CPU path.
 */
export async function sha256Hex(bytes: ArrayBuffer, subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): Promise<string> {
  const d = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes)) : sha256(new Uint8Array(bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Thrown for bytes that do not match their manifest (the service worker and the CLIs look for the name). */
export class WeightsMismatchError extends Error {
  override name = 'WeightsMismatchError';
}

/** Resolves when `bytes` are what the manifest says; else a WeightsMismatchError naming `url`, in one sentence. */
export async function checkWeights(bytes: ArrayBuffer, digest: WeightsDigest, url: string): Promise<void> {
  if (bytes.byteLength < digest.bytes) {
    throw new WeightsMismatchError(`${url} is truncated: it has ${bytes.byteLength} of the ${digest.bytes} bytes its manifest says`);
  }
  if (bytes.byteLength > digest.bytes) {
    throw new WeightsMismatchError(`${url} is damaged or from another build: it has ${bytes.byteLength} bytes where its manifest says ${digest.bytes}`);
  }
  const got = await sha256Hex(bytes);
  if (got !== digest.sha256) {
    throw new WeightsMismatchError(`${url} is damaged or from another build: its SHA-256 is ${got.slice(0, 12)}… where its manifest says ${digest.sha256.slice(0, 12)}…`);
  }
}
