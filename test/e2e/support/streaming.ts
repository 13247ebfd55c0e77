import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type request from 'supertest';
import type { E2eApp } from './e2e-app.js';

/** A streamed body (NDJSON) read whole, as text, for supertest's parse(). */
export const asText = (res: request.Response, done: (error: Error | null, body: string) => void): void => {
  let text = '';
  res.on('data', (chunk: Buffer) => (text += chunk.toString()));
  res.on('end', () => done(null, text));
};

export interface LiveFrame {
  readonly event: string;
  readonly id: string;
  readonly data: any;
}

/** The app's port on 127.0.0.1, listening first if it is not: for requests on a plain socket. */
export const listeningPort = async (t: E2eApp): Promise<number> => {
  if (t.app.getHttpServer().address() === null) await t.app.listen(0, '127.0.0.1');
  return (t.app.getHttpServer().address() as AddressInfo).port;
};

/**
 * Opens GET `path` (server-sent events: the live board) on the app, listening first if it is not;
 * `frames` fills as frames arrive (comments skipped), `frame(n)` waits for the n-th.
 */
export const openLive = async (t: E2eApp, path: string, headers: OutgoingHttpHeaders) => {
  const port = await listeningPort(t);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    // A connection of its own: a stream the server closed must not hand its socket to the next one.
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
  response.setEncoding('utf8');
  let buffer = '';
  const frames: LiveFrame[] = [];
  let notify: (() => void) | undefined;
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (text.startsWith(':')) continue;
      const field = (name: string) => text.split('\n').find((line) => line.startsWith(`${name}: `))!.slice(name.length + 2);
      frames.push({ event: field('event'), id: field('id'), data: JSON.parse(field('data')) });
      notify?.();
    }
  });
  const frame = async (n: number): Promise<LiveFrame> => {
    while (frames.length < n) await new Promise<void>((resolve) => (notify = resolve));
    return frames[n - 1]!;
  };
  return { response, frames, frame };
};
