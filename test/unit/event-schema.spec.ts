import { EVENT_SCHEMA_VERSION, schemaVersionOfText, type Upcaster, UPCASTERS, upcastData } from '../../src/shared/event-store/event-schema.js';
import { UnknownEventSchemaError } from '../../src/shared/event-store/event-store.errors.js';

const at = (type: string) => ({ position: '42', streamId: 'norm-n1', revision: 3, type });

/*
 * A build reading a ledger that newer or older builds wrote (a rolling upgrade on EventStoreDB, a
 * restored backup): payloads written at an older schema version come up through upcasters, a
 * version this build does not know is refused naming the event, never folded as if it were known.
 */
describe('event schema versions (upcastData)', () => {
  it('this build writes version 1 and has no upcasters yet', () => {
    expect(EVENT_SCHEMA_VERSION).toBe(1);
    expect(UPCASTERS).toEqual([]);
  });

  it('hands back the stored payload itself at the current version, and reads an event without a version as version 1', () => {
    const data = { normId: 'n1', stance: 'supports' };
    expect(upcastData(at('PositionStated'), EVENT_SCHEMA_VERSION, data)).toBe(data);
    expect(upcastData(at('PositionStated'), undefined, data)).toBe(data);
  });

  // A future build at version 3: PositionStated changed shape twice, NormProposed once.
  const upcasters: Upcaster[] = [
    { type: 'PositionStated', from: 1, upcast: ({ stance, ...rest }) => ({ ...rest, position: stance ?? null }) },
    { type: 'PositionStated', from: 2, upcast: ({ position, ...rest }) => ({ ...rest, position: { stance: position ?? null, conditions: [] } }) },
    { type: 'NormProposed', from: 2, upcast: (data) => ({ ...data, summary: data['summary'] ?? '' }) },
  ];

  it.each([
    ['PositionStated from 1 through both steps', 'PositionStated', 1, { normId: 'n1', stance: 'supports' }, { normId: 'n1', position: { stance: 'supports', conditions: [] } }],
    ['PositionStated from 2 through the last step only', 'PositionStated', 2, { normId: 'n1', position: 'opposes' }, { normId: 'n1', position: { stance: 'opposes', conditions: [] } }],
    ['PositionStated without a version, as version 1', 'PositionStated', undefined, { stance: 'supports' }, { position: { stance: 'supports', conditions: [] } }],
    ['NormProposed from 1: no step at 1, one at 2', 'NormProposed', 1, { normId: 'n1' }, { normId: 'n1', summary: '' }],
    ['a type no upcaster names, unchanged', 'TopicOpened', 1, { topicId: 't1' }, { topicId: 't1' }],
    ['the current version, unchanged', 'PositionStated', 3, { position: { stance: 'supports', conditions: [] } }, { position: { stance: 'supports', conditions: [] } }],
  ])('upcasts %s', (_name, type, version, stored, expected) => {
    const copy = structuredClone(stored);
    expect(upcastData(at(type), version, stored, upcasters, 3)).toEqual(expected);
    expect(stored).toEqual(copy);
  });

  it('refuses a version newer than the build, naming the event and both versions', () => {
    expect(() => upcastData(at('PositionStated'), 4, {}, upcasters, 3)).toThrow(UnknownEventSchemaError);
    expect(() => upcastData(at('PositionStated'), 2, {})).toThrow(
      'the stored event at position 42 (norm-n1 revision 3) was written at event schema version 2 by a newer norms-ledger; this build reads versions up to 1: upgrade it',
    );
  });

  it.each([[0], [-1], [1.5], ['1'], [null], [true], [Number.MAX_SAFE_INTEGER + 2]])('refuses schemaVersion %p, which is no version', (version) => {
    expect(() => upcastData(at('PositionStated'), version, {})).toThrow(UnknownEventSchemaError);
    expect(() => upcastData(at('PositionStated'), version, {})).toThrow(/position 42 \(norm-n1 revision 3\) has schemaVersion .+, which is no event schema version \(1 to 1 are known to this build\)$/);
  });
});

describe('schemaVersionOfText (the rebuild reads stored metadata text)', () => {
  const at = { position: '7', streamId: 'norm-n1', revision: 0 };

  it.each([
    ['as this build writes it', '{"schemaVersion":1,"effectiveOn":"2026-01-01","hash":"ab"}', 1],
    ['another version first', '{"schemaVersion":2,"effectiveOn":"2026-01-01"}', 2],
    ['version 1 overridden by a later duplicate key (JSON.parse keeps the last)', '{"schemaVersion":1,"effectiveOn":"2026-01-01","schemaVersion":7}', 7],
    ['keys in another order', '{"effectiveOn":"2026-01-01","schemaVersion":3}', 3],
    ['no version', '{"effectiveOn":"2026-01-01"}', undefined],
    ['version 11 (not version 1)', '{"schemaVersion":11,"effectiveOn":"2026-01-01"}', 11],
  ])('%s', (_name, text, expected) => {
    expect(schemaVersionOfText(text, at)).toBe(expected);
  });

  it('does not parse the text this build writes (which a damaged text after its start would fail)', () => {
    expect(schemaVersionOfText('{"schemaVersion":1,"recordedBy":"a \\"schemaVersion\\" b", damaged', at)).toBe(1);
    expect(() => schemaVersionOfText('{"schemaVersion":2, damaged', at)).toThrow('the stored event at position 7 (norm-n1 revision 0) cannot be read: its metadata is not JSON');
  });
});
