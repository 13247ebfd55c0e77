import { PassThrough } from 'node:stream';
import { keepServingWhenOutputCloses } from '../../src/shared/closed-output.js';

/** A stream that keeps what is written to it, and can be made to fail as a closed pipe does. */
const stream = () => {
  const written: string[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  const fail = (code: string) => out.emit('error', Object.assign(new Error(`write ${code}`), { code }));
  return { out, written, fail };
};

describe('keepServingWhenOutputCloses', () => {
  it('says a failed stdout once on stderr, and later failures of it not again', () => {
    const [stdout, stderr] = [stream(), stream()];
    keepServingWhenOutputCloses({ stdout: stdout.out, stderr: stderr.out });
    stdout.fail('EPIPE');
    stdout.fail('ERR_STREAM_DESTROYED');
    expect(stderr.written).toEqual(['norms-ledger: standard output failed (EPIPE): its log lines are dropped from now on; the server goes on\n']);
    expect(stdout.written).toEqual([]);
  });

  it('says a failed stderr on stdout', () => {
    const [stdout, stderr] = [stream(), stream()];
    keepServingWhenOutputCloses({ stdout: stdout.out, stderr: stderr.out });
    stderr.fail('EPIPE');
    expect(stdout.written).toEqual(['norms-ledger: standard error failed (EPIPE): its log lines are dropped from now on; the server goes on\n']);
  });

  it('says nothing once both have failed, and never throws (an unheard error event would end the process)', () => {
    const [stdout, stderr] = [stream(), stream()];
    keepServingWhenOutputCloses({ stdout: stdout.out, stderr: stderr.out });
    stderr.fail('EPIPE');
    stdout.fail('EIO');
    expect(() => stdout.fail('EPIPE')).not.toThrow();
    expect(stderr.written).toEqual([]);
    expect(stdout.written).toEqual(['norms-ledger: standard error failed (EPIPE): its log lines are dropped from now on; the server goes on\n']);
  });
});
