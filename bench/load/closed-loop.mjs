// A closed-loop HTTP load client: N connections, each sending its next request when the previous
// answer arrived, until the deadline; then every request in flight is awaited. Unlike a run cut off
// at its duration (autocannon), every request sent is answered or counted as an error, so the store
// can be checked against exactly what the client was told.
import { Agent, request as httpRequest } from 'node:http';

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted, p) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

const send = (agent, port, { method, path, headers, body }) =>
  new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', (error) => resolve({ status: 0, error, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', (error) => resolve({ status: 0, error, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });

/**
 * Runs `connections` loops for `seconds`. `next()` returns {kind, method, path, headers, body};
 * `onAnswer(request, answer)` sees every answer. Resolves with latencies per kind and counts.
 */
export const closedLoop = async ({ port, connections, seconds, next, onAnswer }) => {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies = { all: [] };
  const statuses = {};
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const request = next();
        const answer = await send(agent, port, request);
        (latencies[request.kind] ??= []).push(answer.ms);
        latencies.all.push(answer.ms);
        statuses[request.kind] ??= {};
        statuses[request.kind][answer.status] = (statuses[request.kind][answer.status] ?? 0) + 1;
        if (answer.status === 0) errors++;
        onAnswer(request, answer);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  for (const values of Object.values(latencies)) values.sort((a, b) => a - b);
  return { elapsed, latencies, statuses, errors };
};
