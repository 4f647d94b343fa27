// Downloading a model's two files, weights/<name>.json and <name>.safetensors, for every network
// (mini-xception/weights.ts, yunet/yunet-weights.ts): one sentence naming the URL for each way a
// download fails, and the safetensors bytes checked against the JSON's SHA-256 (integrity.ts)
// before anything reads them.
import { checkWeights, manifestDigest } from './integrity.js';

export type FetchFn = (url: string) => Promise<Response>;

async function download(url: string, fetchFn: FetchFn): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new Error(`could not download ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`could not download ${url}: ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  // Static hosts with an SPA fallback answer a wrong path with index.html and status 200.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new Error(`could not download ${url}: the server returned an HTML page (wrong path?)`);
  }
  return res;
}

async function body<T>(url: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new Error(`could not download ${url}: ${(e as Error).message}`);
  }
}

/**
 * `<baseUrl>/<name>.json` parsed and handed to `parseSpec` (its errors come first), then the
 * `.safetensors` bytes, checked against the JSON's digest.
 */
export async function fetchWeightFiles<S>(
  baseUrl: string, name: string, fetchFn: FetchFn, parseSpec: (json: unknown, jsonUrl: string) => S,
): Promise<{ spec: S; bytes: ArrayBuffer; stUrl: string }> {
  const base = baseUrl.replace(/\/+$/, '');
  const jsonUrl = `${base}/${name}.json`;
  const stUrl = `${base}/${name}.safetensors`;
  // Both at once, but when both fail the JSON's error is the one told (Promise.all would tell
  // whichever failed first: an e2e check of the message flaked on that race).
  const [jsonGot, stGot] = await Promise.allSettled([download(jsonUrl, fetchFn), download(stUrl, fetchFn)]);
  if (jsonGot.status === 'rejected') throw jsonGot.reason;
  if (stGot.status === 'rejected') throw stGot.reason;
  const [jsonRes, stRes] = [jsonGot.value, stGot.value];
  const [text, bytes] = await Promise.all([body(jsonUrl, () => jsonRes.text()), body(stUrl, () => stRes.arrayBuffer())]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${jsonUrl}: not valid JSON (${(e as Error).message})`);
  }
  const spec = parseSpec(json, jsonUrl);
  await checkWeights(bytes, manifestDigest(json, jsonUrl, `${name}.safetensors`), stUrl);
  return { spec, bytes, stUrl };
}
