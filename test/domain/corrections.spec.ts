import {
  applyCorrection,
  assertCorrectable,
  assertCorrigendum,
  type CorrectableRecord,
  correctRecord,
  currentValue,
  readPath,
  replayCorrection,
  sameValue,
  writePath,
} from '../../src/shared/domain/corrections.js';
import { ConflictError, DomainError, UnprocessableError } from '../../src/shared/domain/domain-error.js';

const S = 'norm gge-13i';

const statement: CorrectableRecord = {
  eventId: 'e-1',
  type: 'PositionStated',
  effectiveOn: '2026-03-10',
  data: { normId: 'gge-13i', statementId: 'st-1', partyId: 'cn', stance: 'conditional', condition: 'c', text: 't', channel: 'oral' },
};

const held: CorrectableRecord = {
  eventId: 'e-2',
  type: 'SessionHeld',
  effectiveOn: '2026-03-10',
  data: { sessionId: 's1', heldOn: '2026-03-10', place: 'Geneva', agenda: [], attendance: { cn: ['cn-1'], us: ['us-1', 'us-2'] } },
};

const caught = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('readPath / currentValue', () => {
  it.each([
    ['stance', 'conditional'],
    ['delegateId', null],
    ['attendance.cn', null],
    ['stance.x', null],
  ])('%s of a statement is %j', (field, expected) => {
    expect(readPath(statement.data, field)).toEqual(expected);
  });

  it('reads nested paths and whole objects', () => {
    expect(readPath(held.data, 'attendance.us')).toEqual(['us-1', 'us-2']);
    expect(readPath(held.data, 'attendance.ru')).toBeNull();
    expect(readPath(held.data, 'attendance')).toEqual({ cn: ['cn-1'], us: ['us-1', 'us-2'] });
  });

  it('reads effectiveOn as the record effective date', () => {
    expect(currentValue(statement, 'effectiveOn')).toBe('2026-03-10');
  });
});

describe('sameValue', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [null, undefined, true],
    [[1, 2], [2, 1], false],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
  });
});

describe('writePath', () => {
  it('copies on write, creates intermediate objects and removes on null', () => {
    const data = { attendance: { cn: ['cn-1'] }, title: 'x' };
    expect(writePath(S, data, 'attendance.us', ['us-1'])).toEqual({ attendance: { cn: ['cn-1'], us: ['us-1'] }, title: 'x' });
    expect(writePath(S, data, 'headsOfDelegation.cn', 'cn-1')).toEqual({ ...data, headsOfDelegation: { cn: 'cn-1' } });
    expect(writePath(S, data, 'title', null)).toEqual({ attendance: { cn: ['cn-1'] } });
    expect(data).toEqual({ attendance: { cn: ['cn-1'] }, title: 'x' });
  });

  it.each(['title.sub', '__proto__.x', 'a..b', ''])('refuses the path %j', (field) => {
    const error = caught(() => writePath(S, { title: 'x' }, field, 1));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.code).toBe('invalid-field-path');
  });
});

describe('assertCorrectable', () => {
  it.each([
    ['PositionStated', 'stance'],
    ['PositionStated', 'partyId'],
    ['PositionStated', 'effectiveOn'],
    ['SessionHeld', 'attendance.cn'],
    ['SessionHeld', 'headsOfDelegation.us'],
    ['NormProposed', 'title'],
    ['CbmProposed', 'summary'],
    ['TopicOpened', 'title'],
  ])('%s.%s is correctable', (type, field) => {
    expect(() => assertCorrectable(S, type, [{ field, from: null, to: 'x' }])).not.toThrow();
  });

  it.each([
    ['PositionStated', 'channel', 'field-not-correctable'],
    ['PositionStated', 'statementId', 'field-not-correctable'],
    ['SessionHeld', 'agenda', 'field-not-correctable'],
    ['NormProposed', 'proposedBy', 'field-not-correctable'],
    ['DecisionRecorded', 'text', 'field-not-correctable'],
    ['PositionStated', 'effectiveOn.x', 'invalid-field-path'],
  ])('%s.%s is refused (%s)', (type, field, code) => {
    const error = caught(() => assertCorrectable(S, type, [{ field, from: null, to: 'x' }]));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^norm gge-13i: /);
  });

  it('refuses a correction without changes', () => {
    expect(caught(() => assertCorrectable(S, 'PositionStated', [])).code).toBe('no-changes');
  });
});

describe('applyCorrection', () => {
  it('applies changes when every from matches', () => {
    const corrected = correctRecord(S, statement, [
      { field: 'stance', from: 'conditional', to: 'supports' },
      { field: 'condition', from: 'c', to: null },
      { field: 'delegateId', from: null, to: 'cn-1' },
    ]);
    expect(corrected.data).toEqual({ normId: 'gge-13i', statementId: 'st-1', partyId: 'cn', stance: 'supports', delegateId: 'cn-1', text: 't', channel: 'oral' });
    expect(corrected.effectiveOn).toBe('2026-03-10');
    expect(statement.data['stance']).toBe('conditional');
  });

  it('moves the effective date, not the data', () => {
    const corrected = correctRecord(S, statement, [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-03-11' }]);
    expect(corrected.effectiveOn).toBe('2026-03-11');
    expect(corrected.data).toEqual(statement.data);
  });

  it('refuses an effectiveOn that is not a date', () => {
    expect(caught(() => correctRecord(S, statement, [{ field: 'effectiveOn', from: '2026-03-10', to: '2026-02-30' }])).code).toBe('invalid-effective-on');
  });

  it('refuses a path that goes on into a list or a single value, saying to correct it whole, rather than comparing from with null', () => {
    const intoList = caught(() => applyCorrection(S, held, [{ field: 'attendance.us.1', from: 'us-2', to: 'us-3' }]));
    expect(intoList.code).toBe('invalid-field-path');
    expect(intoList.message).toBe(`${S}: "attendance.us.1" is not a path into the record (attendance.us is a list: correct attendance.us whole)`);
    const intoText = caught(() => applyCorrection(S, statement, [{ field: 'stance.x', from: null, to: 'supports' }]));
    expect(intoText.message).toBe(`${S}: "stance.x" is not a path into the record (stance is a single value: correct stance whole)`);
  });

  it('compares deeply, whatever the key order', () => {
    const corrected = applyCorrection(S, held, [{ field: 'attendance', from: { us: ['us-1', 'us-2'], cn: ['cn-1'] }, to: { cn: [], us: ['us-1'] } }]);
    expect(corrected.data['attendance']).toEqual({ cn: [], us: ['us-1'] });
  });

  it('compares attendance as sets of delegates: a from in another order (the register shows them sorted) matches', () => {
    const recorded = { ...held, data: { ...held.data, attendance: { us: ['us-2', 'us-1'], cn: ['cn-1'] } } };
    expect(applyCorrection(S, recorded, [{ field: 'attendance.us', from: ['us-1', 'us-2'], to: ['us-2'] }]).data['attendance']).toEqual({ us: ['us-2'], cn: ['cn-1'] });
    expect(applyCorrection(S, recorded, [{ field: 'attendance', from: { cn: ['cn-1'], us: ['us-1', 'us-2'] }, to: {} }]).data['attendance']).toEqual({});
    // Still a set: a delegate more or less is stale.
    expect(caught(() => applyCorrection(S, recorded, [{ field: 'attendance.us', from: ['us-1'], to: [] }])).code).toBe('stale-from');
    expect(caught(() => applyCorrection(S, recorded, [{ field: 'attendance.us', from: ['us-1', 'us-2', 'us-3'], to: [] }])).code).toBe('stale-from');
    // Only attendance: order stays significant elsewhere.
    const listed = { ...statement, data: { ...statement.data, text: 'ab' } };
    expect(caught(() => applyCorrection(S, listed, [{ field: 'text', from: 'ba', to: 'c' }])).code).toBe('stale-from');
  });

  it('chains changes of one correction to the same field', () => {
    const corrected = applyCorrection(S, statement, [
      { field: 'stance', from: 'conditional', to: 'reserves' },
      { field: 'stance', from: 'reserves', to: 'opposes' },
    ]);
    expect(corrected.data['stance']).toBe('opposes');
  });

  it('refuses a stale from, naming field, expected and actual', () => {
    const error = caught(() => applyCorrection(S, statement, [{ field: 'stance', from: 'supports', to: 'opposes' }]));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('stale-from');
    expect(error.message).toBe('norm gge-13i: correction of stance expects it to be "supports" but it is "conditional"; reload the record and correct from its current value');
  });

  it('treats an absent field as null', () => {
    expect(caught(() => applyCorrection(S, statement, [{ field: 'delegateId', from: 'cn-1', to: 'cn-2' }])).message).toBe(
      'norm gge-13i: correction of delegateId expects it to be "cn-1" but it is null; reload the record and correct from its current value',
    );
  });
});

describe('assertCorrigendum', () => {
  const session = (minutesStatus: 'none' | 'circulated' | 'silence_procedure' | 'adopted') => ({ sessionId: 's1', minutesStatus });

  it.each(['none', 'circulated', 'silence_procedure'] as const)('needs no corrigendum while minutes are %s', (status) => {
    expect(() => assertCorrigendum(S, session(status), undefined, 'statement st-1')).not.toThrow();
  });

  it('needs none for a record not made at a session', () => {
    expect(() => assertCorrigendum(S, undefined, undefined, 'statement st-1')).not.toThrow();
  });

  it('needs a corrigendum after adoption', () => {
    const error = caught(() => assertCorrigendum(S, session('adopted'), undefined, 'statement st-1'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('corrigendum-required');
    expect(error.message).toBe('norm gge-13i: the minutes of session s1 are adopted, so correcting statement st-1 needs a corrigendumId');
    expect(() => assertCorrigendum(S, session('adopted'), 'corr-2026-1', 'statement st-1')).not.toThrow();
  });
});

describe('replayCorrection', () => {
  it('applies recorded changes without checking from', () => {
    const replayed = replayCorrection(statement, [
      { field: 'stance', from: 'anything', to: 'supports' },
      { field: 'effectiveOn', from: null, to: '2026-03-12' },
    ]);
    expect(replayed.data['stance']).toBe('supports');
    expect(replayed.effectiveOn).toBe('2026-03-12');
  });
});
