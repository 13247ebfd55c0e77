// `node --cpu-prof --cpu-prof-dir=<dir> bench/http/profiled-main.mjs`: the real server (dist/main.js)
// with one addition: an IPC "stop" message ends the process with process.exit(0), which is what
// makes --cpu-prof write its profile (a signal would be re-raised by Nest's shutdown hooks and kill
// the process before the profile is written).
process.on('message', (message) => {
  if (message === 'stop') process.exit(0);
});
await import('../../dist/main.js');
