// Diagnosis for issue 3 item 6 (not a target, so not a *.bench.mjs): what one POST /norms/:id/positions
// costs without HTTP. The same app as `npm start` (SQLite, synchronous FULL unless --synchronous=NORMAL)
// is seeded like bench/http-positions.bench.mjs, then StatePositionCommand is sent straight to the
// command bus, 32 in flight, and the process's CPU per command is printed (store, projection and
// all). Compare with the "server CPU ms/req" of the HTTP bench: the difference is the HTTP layer.
//
//   node --expose-gc bench/http/command-path.mjs [--commands=N] [--synchronous=NORMAL]
import { importDist, makeTempDir } from '../lib/bench-kit.mjs';
import { freePort, seedTrack } from './http-kit.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const COMMANDS = Number(arg('commands', '10000'));
const synchronous = arg('synchronous', 'FULL');
if (!(Number.isSafeInteger(COMMANDS) && COMMANDS > 0)) throw new RangeError('--commands must be a positive integer');
if (!['FULL', 'NORMAL'].includes(synchronous)) throw new RangeError('--synchronous must be FULL or NORMAL');

const { createApp } = await importDist('bootstrap.js');
const { loadConfig } = await importDist('config/app-config.js');
const { StatePositionCommand } = await importDist('subjects/application/state-position.command.js');
const { CommandBus } = await import('@nestjs/cqrs');

const { dir } = makeTempDir('command-path');
const TOKEN = 'bench-clerk-token-0123456789abcdef';
const port = await freePort();
const config = loadConfig({
  PORT: String(port),
  HOST: '127.0.0.1',
  LEDGER_DATA_DIR: dir,
  LEDGER_TOKENS: `clerk:${TOKEN}`,
  LEDGER_RATE_LIMIT_PER_ADDRESS: '0',
  LEDGER_RATE_LIMIT_PER_TOKEN: '0',
  LOG_LEVEL: 'warn',
  LEDGER_SQLITE_SYNCHRONOUS: synchronous,
});
const app = await createApp(config, { logger: false });
await app.listen(port, '127.0.0.1');
const normId = (i) => `n-${String(i).padStart(4, '0')}`;
await seedTrack({ base: `http://127.0.0.1:${port}`, token: TOKEN, trackId: 'bench', sessionId: 'bench-s1', norms: 1000, normId });

const bus = app.get(CommandBus);
let sent = 0;
const one = () => {
  const n = sent++;
  const party = n & 1 ? 'cn' : 'us';
  const input = {
    statementId: `st-${n}`,
    partyId: party,
    delegateId: `${party}-d1`,
    stance: n % 3 === 0 ? 'reserves' : 'supports',
    text: 'Supports the draft, on the understanding that the 9,000-troop threshold applies per exercise.',
    channel: 'oral',
    sessionId: 'bench-s1',
    agendaItemId: 'item-2',
  };
  return bus.execute(new StatePositionCommand('norm', normId(n % 1000), input, { principal: 'clerk', correlationId: `bench-${n}` }));
};
const until = (total) => Promise.all(Array.from({ length: 32 }, async () => {
  while (sent < total) await one();
}));

await until(Math.min(3000, COMMANDS));
const cpu = process.cpuUsage();
const started = performance.now();
const from = sent;
await until(sent + COMMANDS);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const count = sent - from;
console.log(
  `# StatePositionCommand through the command bus, 32 in flight, SQLite synchronous=${synchronous}: ${count} commands in ${ms.toFixed(0)} ms, ` +
    `${Math.round((count / ms) * 1000)}/s, CPU ${((used.user + used.system) / 1000 / count).toFixed(3)} ms per command (whole process)`,
);
await app.close();
