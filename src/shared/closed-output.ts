/**
 * A server whose log reader goes away (`npm start | head`, a `tee` closed, a log shipper
 * restarting) must go on serving: Node reports the failed write to a closed pipe (EPIPE) as an
 * 'error' event of process.stdout or process.stderr, and an 'error' event nobody listens to ends
 * the process, mid-request, with a stack trace. The log is best-effort; the ledger is not.
 *
 * Each stream's first failure is said once on the other stream, if that one still works; later
 * lines to the failed stream are dropped (Node discards writes to a destroyed stream).
 */
export const keepServingWhenOutputCloses = (
  streams: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream } = { stdout: process.stdout, stderr: process.stderr },
): void => {
  const failed = new Set<NodeJS.WritableStream>();
  const watch = (stream: NodeJS.WritableStream, name: string, other: NodeJS.WritableStream): void => {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (failed.has(stream)) return;
      failed.add(stream);
      if (failed.has(other)) return;
      other.write(`norms-ledger: ${name} failed (${error.code ?? error.message}): its log lines are dropped from now on; the server goes on\n`);
    });
  };
  watch(streams.stdout, 'standard output', streams.stderr);
  watch(streams.stderr, 'standard error', streams.stdout);
};
