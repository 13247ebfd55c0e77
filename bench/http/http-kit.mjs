// Helpers of bench/http-*.bench.mjs: server child processes, seeding through the API, autocannon runs,
// and a CPU account of who used the 2 cores while a run was measured.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { cpuTicks } from '../lib/bench-kit.mjs';

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * Starts `node <args>` and resolves once it prints a line with "listening". stdout/stderr are kept
 * (the last 4 KB) to explain a failed start.
 */
export const startServer = (label, args, env, { ipc = false, timeoutMs = 60_000 } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
    let output = '';
    let ready = false;
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4096);
      if (!ready && /listening/.test(output)) {
        ready = true;
        clearTimeout(timer);
        resolve(serverHandle(label, child, () => output));
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${signal ?? code}) before listening:\n${output}`));
      }
    });
    process.once('exit', () => child.kill('SIGKILL'));
  });

const serverHandle = (label, child, output) => ({
  label,
  pid: child.pid,
  output,
  /** Sends an IPC message and resolves with the first reply of type `replyType`. */
  request: (message, replyType) =>
    new Promise((resolve) => {
      const onMessage = (reply) => {
        if (reply?.type !== replyType) return;
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.send(message);
    }),
  /** Asks for a graceful stop (IPC "stop" when there is a channel, else SIGTERM); SIGKILL after 15 s. */
  stop: () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      if (child.connected) child.send('stop');
      else child.kill('SIGTERM');
    }),
});

const TICKS_PER_SECOND = 100;

/** user + system CPU seconds of a process so far (Linux /proc), or NaN elsewhere. */
export const processCpuSeconds = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
};

/**
 * Who used the CPU between start and stop, in cores: the machine, the server under test, this
 * client (autocannon), and everything else (other engineers' builds and tests).
 */
export const cpuAccount = (serverPid) => {
  const machine = cpuTicks();
  const server = processCpuSeconds(serverPid);
  const client = process.cpuUsage();
  const wall = process.hrtime.bigint();
  return () => {
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const end = cpuTicks();
    const cores = availableParallelism();
    const busy = machine && end ? (1 - (end.idle - machine.idle) / (end.total - machine.total)) * cores : Number.NaN;
    const serverCores = (processCpuSeconds(serverPid) - server) / seconds;
    const used = process.cpuUsage(client);
    const clientCores = (used.user + used.system) / 1e6 / seconds;
    return { seconds, cores, busy, server: serverCores, client: clientCores, others: Math.max(0, busy - serverCores - clientCores) };
  };
};

export const formatAccount = (a) =>
  `CPU of ${a.cores} cores: busy ${a.busy.toFixed(2)}, server ${a.server.toFixed(2)}, autocannon ${a.client.toFixed(2)}, other processes ${a.others.toFixed(2)}`;

/** POST as JSON with the bearer token; throws with the answer on anything but 201. */
export const postJson = async (base, token, path, body) => {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path} → ${response.status}: ${await response.text()}`);
  return response.json();
};

/** Runs `tasks` (thunks) with at most `limit` in flight. */
export const inParallel = async (tasks, limit) => {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
};

/**
 * One autocannon run of POST requests whose path and body come from `nextRequest()` (called once per
 * request sent). Resolves with requests/s (mean of per-second samples), latency p50/p99 (ms), counts.
 */
export const hammer = ({ url, connections, seconds, headers, nextRequest }) =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const { path, body } = nextRequest();
              request.path = path;
              request.body = body;
              return request;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: result.statusCodeStats,
        });
      },
    );
  });

/**
 * Seeds a benchmark track through the API: two parties (us, cn) with an agency and a delegate each
 * (`us-d1`, `cn-d1`), one held session with agenda item `item-2`, and `norms` norms proposed at it.
 */
export const seedTrack = async ({ base, token, trackId, sessionId, norms, normId, name = 'Benchmark track' }) => {
  const post = (path, body) => postJson(base, token, path, body);
  await post('/tracks', { trackId, name, effectiveOn: '2026-01-05' });
  for (const [partyId, partyName] of [['us', 'United States'], ['cn', 'China']]) {
    await post(`/tracks/${trackId}/parties`, { partyId, name: partyName, effectiveOn: '2026-01-05' });
    await post(`/tracks/${trackId}/agencies`, { agencyId: `${partyId}-mfa`, partyId, name: `${partyName} foreign ministry`, effectiveOn: '2026-01-05' });
    await post(`/tracks/${trackId}/delegates`, { delegateId: `${partyId}-d1`, partyId, agencyId: `${partyId}-mfa`, effectiveOn: '2026-01-05' });
  }
  await post(`/tracks/${trackId}/sessions`, { sessionId, number: 1, place: 'Geneva', scheduledFor: '2026-02-10', effectiveOn: '2026-01-06' });
  await post(`/sessions/${sessionId}/held`, {
    heldOn: '2026-02-10',
    place: 'Geneva',
    agenda: [{ itemId: 'item-1', title: 'Opening' }, { itemId: 'item-2', title: 'Norms' }],
    attendance: { us: ['us-d1'], cn: ['cn-d1'] },
  });
  await inParallel(
    Array.from({ length: norms }, (_, i) => () =>
      post(`/tracks/${trackId}/norms`, {
        normId: normId(i),
        title: `Norm ${i}`,
        summary: 'States should not conduct or knowingly support ICT activity that damages critical infrastructure.',
        proposedBy: ['us'],
        sessionId,
        agendaItemId: 'item-2',
      }),
    ),
    8,
  );
};
