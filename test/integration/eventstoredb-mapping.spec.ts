import {
  AccessDeniedError,
  ANY,
  convertToCommandError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { Metadata, status } from '@grpc/grpc-js';
import {
  fromEsdbCurrentRevision,
  fromEsdbExpectedRevision,
  isInvalidPosition,
  isOutcomeUnknown,
  isSystemEvent,
  parsePosition,
  planAppend,
  planFilter,
  positionToString,
  redactConnectionString,
  type StoredRef,
  toEsdbExpectedRevision,
  toEsdbPosition,
  translateError,
  unavailableReason,
} from '../../src/infrastructure/eventstoredb/eventstoredb-mapping.js';
import {
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../src/shared/event-store/event-store.errors.js';
import type { ExpectedRevision } from '../../src/shared/event-store/event-store.port.js';

/** These run without a server: they pin the translation between the port and the real client types. */
describe('EventStoreDB adapter mapping (client 6.2.1 types and errors)', () => {
  describe('expected revision', () => {
    it.each([
      ['any', ANY],
      ['no_stream', NO_STREAM],
      ['stream_exists', STREAM_EXISTS],
      [0, 0n],
      [41, 41n],
    ] as const)('maps %j to the client and back', (port, client) => {
      expect(toEsdbExpectedRevision(port as ExpectedRevision)).toBe(client);
      expect(fromEsdbExpectedRevision(client)).toBe(port);
    });

    it('reads the legacy negative constants the client reports from gRPC trailers', () => {
      expect(fromEsdbExpectedRevision(-1n)).toBe('no_stream');
      expect(fromEsdbExpectedRevision(-2n)).toBe('any');
      expect(fromEsdbExpectedRevision(-4n)).toBe('stream_exists');
    });

    it('maps the current revision, no stream included', () => {
      expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(-1n)).toBe('no_stream');
      expect(fromEsdbCurrentRevision(7n)).toBe(7);
      expect(() => fromEsdbCurrentRevision(2n ** 60n)).toThrow(RangeError);
    });
  });

  describe('error translation', () => {
    it('turns WrongExpectedVersionError (from an append response) into the port error with the caller expectation', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'norm-a', expected: 3n, current: 5n });
      const translated = translateError(error, 'norm-a', 3);
      expect(translated).toBeInstanceOf(WrongExpectedRevisionError);
      expect(translated).toMatchObject({ streamId: 'norm-a', expected: 3, actual: 5 });
    });

    it('keeps the caller expectation when the adapter sent an exact revision in place of any or stream_exists', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'norm-a', expected: 5n, current: 6n });
      expect(translateError(error, 'norm-a', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: 6 });
    });

    it('reads expected and actual from the server when the caller gives none, no_stream included', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'norm-a', expected: 'stream_exists', current: 'no_stream' });
      expect(translateError(error, 'norm-a')).toMatchObject({ streamId: 'norm-a', expected: 'stream_exists', actual: 'no_stream' });
    });

    it('translates a WrongExpectedVersionError built from gRPC trailers (legacy -1 for no stream)', () => {
      const metadata = new Metadata();
      metadata.set('exception', 'wrong-expected-version');
      metadata.set('stream-name', 'norm-b');
      metadata.set('expected-version', '-1');
      metadata.set('actual-version', '2');
      const error = convertToCommandError(Object.assign(new Error('wrong expected version'), { code: status.FAILED_PRECONDITION, details: '', metadata }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(translateError(error, 'norm-b')).toMatchObject({ expected: 'no_stream', actual: 2 });
    });

    it('turns StreamNotFoundError and StreamDeletedError into the port StreamNotFoundError', () => {
      expect(translateError(new EsdbStreamNotFoundError(undefined, 'norm-c'), 'norm-c')).toEqual(new StreamNotFoundError('norm-c'));
      const deleted = translateError(StreamDeletedError.fromStreamName('norm-d'), 'norm-d');
      expect(deleted).toBeInstanceOf(StreamNotFoundError);
      expect(deleted).toMatchObject({ streamId: 'norm-d' });
    });

    it('turns MaxAppendSizeExceededError into an InvalidAppendError naming the limit', () => {
      const translated = translateError(MaxAppendSizeExceededError.fromMaxAppendSize(1048576), 'norm-e');
      expect(translated).toBeInstanceOf(InvalidAppendError);
      expect(translated).toMatchObject({ reason: 'event-too-large' });
      expect((translated as Error).message).toContain('1048576');
    });

    it('passes other errors through untouched', () => {
      const error = new UnavailableError();
      expect(translateError(error, 'norm-f')).toBe(error);
    });
  });

  describe('errors that make the store unavailable (503)', () => {
    /** What convertToCommandError receives from grpc-js for a call that ended with this status. */
    const serviceError = (code: status, details: string, trailers: Record<string, string> = {}) => {
      const metadata = new Metadata();
      for (const [name, value] of Object.entries(trailers)) metadata.set(name, value);
      return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
    };

    it.each([
      // BatchAppend's NotHandled answers, as client 6.2.1 unpacks them (unpackToCommandError: an Empty detail is not recognised).
      ['BatchAppend: Server Is Not Ready', new UnknownError(undefined, 'Could not recognize Server Is Not Ready'), /did not handle the request \(Server Is Not Ready\)/],
      ['BatchAppend: Server Is Busy', new UnknownError(undefined, 'Could not recognize Server Is Busy'), /\(Server Is Busy\)/],
      ['BatchAppend: No leader info', new UnknownError(undefined, 'Could not recognize No leader info available in response'), /\(No leader info available in response\)/],
      ['Append: NoLeaderInfo (gRPC Unknown)', convertToCommandError(serviceError(status.UNKNOWN, 'No leader info available in response')), /No leader info available/],
      ['Append: Server Is Too Busy (gRPC Unavailable)', convertToCommandError(serviceError(status.UNAVAILABLE, 'Server Is Too Busy')), /Server Is Too Busy/],
      ['BatchAppend: AccessDenied detail', new AccessDeniedError(), /access denied to norm-g: the connection string's user must be allowed to read \$all/],
      ['Append: access-denied trailer', convertToCommandError(serviceError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' })), /access denied to norm-g/],
      ['BatchAppend: Timeout detail', new DeadlineExceededError(), /no answer in time \(deadline-exceeded\)/],
      ['Append: Timeout (gRPC Aborted)', convertToCommandError(serviceError(status.ABORTED, 'Operation timed out: Prepare phase timeout.')), /no answer in time \(.*Operation timed out/],
    ])('%s', (_what, error, reason) => {
      expect(unavailableReason(error, 'norm-g')).toMatch(reason);
    });

    it('leaves other unknown errors alone (a 500 that shows a defect, not a 503)', () => {
      expect(unavailableReason(new UnknownError(undefined, 'Could not recognize something else'), 'norm-g')).toBeUndefined();
      expect(unavailableReason(new Error('Server Is Not Ready'), 'norm-g')).toBeUndefined();
    });

    it('knows a timeout as an append whose outcome is unknown, and nothing else', () => {
      expect(isOutcomeUnknown(new DeadlineExceededError())).toBe(true);
      expect(isOutcomeUnknown(convertToCommandError(serviceError(status.ABORTED, 'Operation timed out')))).toBe(true);
      expect(convertToCommandError(serviceError(status.ABORTED, 'x'))).toBeInstanceOf(TimeoutError);
      expect(isOutcomeUnknown(new UnavailableError())).toBe(false);
    });

    it('recognises the server\'s invalid-position answer to a subscription, which the client makes an UnknownError', () => {
      const error = convertToCommandError(serviceError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'));
      expect(error).toBeInstanceOf(UnknownError);
      expect(isInvalidPosition(error)).toBe(true);
      expect(isInvalidPosition(new UnavailableError())).toBe(false);
    });
  });

  describe('positions', () => {
    it('exposes the commit position in decimal and turns it back into a client position', () => {
      expect(positionToString(18446744073709551615n)).toBe('18446744073709551615');
      expect(parsePosition('9223372036854775807')).toBe(9223372036854775807n);
      expect(parsePosition(undefined)).toBeUndefined();
      expect(parsePosition('start')).toBeUndefined();
      expect(toEsdbPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    });

    // The server reads positions as a signed 64-bit integer: above 2^63-1 is refused here, as a bad
    // position (a 400 for an `after`), not sent to fail there some other way.
    it.each(['-1', '1.5', 'abc', '', '9223372036854775808', '18446744073709551615', '99999999999999999999'])('refuses %j as a position', (text) => {
      expect(() => parsePosition(text)).toThrow(RangeError);
    });
  });

  describe('filters', () => {
    it('sends stream prefixes to the server and checks event types and system events here', () => {
      const plan = planFilter({ streamPrefixes: ['norm-', 'cbm-'], eventTypes: ['PositionStated'] });
      expect(plan.server).toMatchObject({ filterOn: 'streamName', prefixes: ['norm-', 'cbm-'] });
      expect(plan.keep('norm-a', 'PositionStated')).toBe(true);
      expect(plan.keep('norm-a', 'NormProposed')).toBe(false);
      expect(plan.keep('track-a', 'PositionStated')).toBe(false);
      expect(plan.keep('norm-a', '$ledger-idempotency-claim')).toBe(false);
    });

    it('sends event types as one anchored, escaped regex when no prefix is given', () => {
      const plan = planFilter({ eventTypes: ['Kept', 'a.b'] });
      expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^(?:Kept|a\\.b)$' });
      const regex = new RegExp((plan.server as { regex: string }).regex);
      expect(regex.test('Kept')).toBe(true);
      expect(regex.test('aXb')).toBe(false);
      expect(regex.test('NotKept')).toBe(false);
      expect(regex.test('$metadata')).toBe(false);
    });

    it('excludes system events on the server and here when there is no filter', () => {
      const plan = planFilter(undefined);
      expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
      expect(plan.keep('$stats-127.0.0.1:2113', 'Stats')).toBe(false);
      expect(plan.keep('$ce-norm', '$>')).toBe(false);
      expect(plan.keep('norm-a', 'NormProposed')).toBe(true);
      expect(isSystemEvent('norm-a', '$metadata')).toBe(true);
    });

    it('matches nothing for an empty type list, as SQLite does', () => {
      const plan = planFilter({ eventTypes: [] });
      expect(plan.keep('norm-a', 'NormProposed')).toBe(false);
      expect(new RegExp((plan.server as { regex: string }).regex).test('NormProposed')).toBe(false);
    });
  });

  describe('append plan against the stream as read', () => {
    const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const stream = (n: number): StoredRef[] =>
      Array.from({ length: n }, (_, i) => ({ eventId: id(i), type: 'T', revision: i, position: String(100 + i * 10) }));
    const events = (...ns: number[]) => ns.map((n) => ({ eventId: id(n), type: 'T' }));

    it.each([
      ['no_stream', 0, 'no_stream'],
      [2, 3, 2n],
      ['any', 0, 'no_stream'],
      ['any', 3, 2n],
      ['stream_exists', 3, 2n],
    ] as const)('with %j on a stream of %i events writes with the exact revision seen', (expected, length, sent) => {
      expect(planAppend('s', events(100), expected, stream(length))).toEqual({
        kind: 'write',
        expectedRevision: sent,
        firstRevision: length,
      });
    });

    it.each([
      ['no_stream', 2, { expected: 'no_stream', actual: 1 }],
      [0, 0, { expected: 0, actual: 'no_stream' }],
      [5, 2, { expected: 5, actual: 1 }],
      ['stream_exists', 0, { expected: 'stream_exists', actual: 'no_stream' }],
    ] as const)('refuses %j on a stream of %i events without writing', (expected, length, fields) => {
      expect(() => planAppend('s', events(100), expected, stream(length))).toThrow(WrongExpectedRevisionError);
      try {
        planAppend('s', events(100), expected, stream(length));
      } catch (error) {
        expect(error).toMatchObject({ streamId: 's', ...fields });
      }
    });

    it('replays events already in the stream at the place the expectation names, with their positions', () => {
      expect(planAppend('s', events(1, 2), 0, stream(4))).toEqual({
        kind: 'replay',
        result: {
          streamId: 's',
          revision: 2,
          position: '120',
          events: [
            { eventId: id(1), type: 'T', revision: 1, position: '110' },
            { eventId: id(2), type: 'T', revision: 2, position: '120' },
          ],
          idempotentReplay: true,
        },
      });
      expect(planAppend('s', events(0, 1), 'no_stream', stream(4))).toMatchObject({ kind: 'replay' });
      expect(planAppend('s', events(2), 'any', stream(6))).toMatchObject({ kind: 'replay', result: { revision: 2 } });
      expect(planAppend('s', events(2), 'stream_exists', stream(6))).toMatchObject({ kind: 'replay' });
    });

    it('refuses ids at another exact revision, a partial overlap and a reordering, whatever the expectation', () => {
      expect(() => planAppend('s', events(0), 1, stream(2))).toThrow(WrongExpectedRevisionError);
      expect(() => planAppend('s', events(1, 100), 0, stream(2))).toThrow(WrongExpectedRevisionError);
      expect(() => planAppend('s', events(1, 100), 'any', stream(2))).toThrow(WrongExpectedRevisionError);
      expect(() => planAppend('s', events(100, 1), 'any', stream(2))).toThrow(WrongExpectedRevisionError);
      expect(() => planAppend('s', events(1, 0), 'any', stream(2))).toThrow(WrongExpectedRevisionError);
    });
  });

  it('never shows the password of a connection string', () => {
    expect(redactConnectionString('esdb://admin:changeit@node1:2113?tls=true')).toBe('esdb://admin:***@node1:2113?tls=true');
    expect(redactConnectionString('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    // A password may hold '/' and ':' (the client reads it up to the first '@'): none of it is shown.
    expect(redactConnectionString('esdb://admin:pa/ss:w0rd@db:2113?tls=true')).toBe('esdb://admin:***@db:2113?tls=true');
    expect(redactConnectionString('esdb+discover://admin:a/b@cluster.dns:2113')).toBe('esdb+discover://admin:***@cluster.dns:2113');
    expect(redactConnectionString('esdb+discover://ops:s3cr3t@cluster.example:2113')).toBe('esdb+discover://ops:***@cluster.example:2113');
  });
});
