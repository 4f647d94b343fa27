// The bytes of one input file in a CLI's page. The CLIs serve each file from memory at a path of
// their own server (tools/cli.mjs `offer`: /__input/N) and send the path; tests and older callers
// may send the bytes as base64 instead ('_' is not a base64 character, so the two cannot be confused).

const SERVED = '/__input/';

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The file behind `source` (a served path, or base64) as a Blob; `name` is for messages. */
export async function inputBlob(source: string, name: string): Promise<Blob> {
  if (!source.startsWith(SERVED)) return new Blob([fromBase64(source)]);
  const r = await fetch(source);
  if (!r.ok) throw new Error(`could not read ${name} from the command line tool (HTTP ${r.status})`);
  return r.blob();
}
