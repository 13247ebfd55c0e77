import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../src/cli/cli-io.js';

/** What a CLI command writes when called in-process, as text read back with `text()`. */
export const capture = (): CliIo & { text: () => { out: string; err: string } } => {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (chunk: Buffer) => (o += chunk.toString()));
  err.on('data', (chunk: Buffer) => (e += chunk.toString()));
  return { out, err, text: () => ({ out: o, err: e }) };
};
