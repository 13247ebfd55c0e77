import { errorOfThreadFailure, threadFailureOf } from '../../src/projections/read-model/thread-failure.js';
import { DamagedEventError, UnknownEventSchemaError } from '../../src/shared/event-store/event-store.errors.js';

/*
 * A rebuild runs on worker threads, and a failure crosses to the server's thread as a message
 * (structured clone): the ledger errors must arrive as their own class, which decides the answer
 * (500 ledger-damaged, 503 event-schema-unknown); as a plain Error they were a 500 internal-error.
 */
const across = (error: unknown): Error => errorOfThreadFailure(structuredClone(threadFailureOf(error)));

describe('failures posted between rebuild threads', () => {
  it.each([
    ['an event of a newer schema', new UnknownEventSchemaError('42', 'norm-n2', 3, 2, 1), UnknownEventSchemaError],
    ['a damaged event', new DamagedEventError('42', 'norm-n2', 3, 'its data is not JSON (Unexpected end of JSON input)'), DamagedEventError],
  ])('%s arrives as its own class, with its message and fields', (_name, error, kind) => {
    const arrived = across(error);
    expect(arrived).toBeInstanceOf(kind);
    expect(arrived.message).toBe(error.message);
    expect({ ...arrived }).toEqual({ ...error });
  });

  it('any other failure arrives as an Error with its message and code (a full disk is told by SQLITE_FULL)', () => {
    const arrived = across(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(arrived).toBeInstanceOf(Error);
    expect(arrived).not.toBeInstanceOf(DamagedEventError);
    expect({ message: arrived.message, code: (arrived as { code?: string }).code }).toEqual({ message: 'database or disk is full', code: 'SQLITE_FULL' });
    expect((across('a thrown string') as Error).message).toBe('a thrown string');
  });
});
