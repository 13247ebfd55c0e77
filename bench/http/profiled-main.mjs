// The real server (dist/main.js) plus an in-process CPU profiler driven over IPC, so that a profile
// covers the measured runs only (not start-up, seeding or warm-up):
//   {type: 'profile-start'} → replies {type: 'profile-started'}
//   {type: 'profile-stop', file} → writes the .cpuprofile, replies {type: 'profile-written', file}
//   'stop' → process.exit(0)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
process.on('message', async (message) => {
  if (message === 'stop') process.exit(0);
  if (message?.type === 'profile-start') {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    process.send({ type: 'profile-started' });
  }
  if (message?.type === 'profile-stop') {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(message.file, JSON.stringify(profile));
    process.send({ type: 'profile-written', file: message.file });
  }
});
await import('../../dist/main.js');
