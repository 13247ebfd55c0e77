/**
 * The generic correction machinery (DESIGN.md §5), shared by every stream that takes a
 * `RecordCorrected`: session, norm, cbm and topic deciders call these so the rules (which fields,
 * stale `from`, corrigendum after adoption) read and fail the same everywhere.
 *
 * A correction never edits the stored event: deciders keep a corrected copy of each record in their
 * state (`applyCorrection`), and projections do the same when they fold.
 */
import { ConflictError, UnprocessableError } from './domain-error.js';
import type { SessionFacts } from './facts.js';
import { isCalendarDate } from './ids.js';

/** One change of a correction: `field` is a dotted path into the record's data (`stance`, `attendance.cn`). */
export interface FieldChange {
  readonly field: string;
  /** The value the clerk saw; `null` for an absent field. */
  readonly from: unknown;
  /** The new value; `null` removes the field. */
  readonly to: unknown;
}

/** What a correction points at: any event of the stream by id, or a PositionStated by its statementId. */
export type CorrectionTarget = { readonly eventId: string } | { readonly statementId: string };

/** The payload of every `RecordCorrected`, less the stream's own id (`sessionId`, `normId`, ...). */
export interface CorrectionFields {
  readonly correctionId: string;
  readonly target: CorrectionTarget;
  readonly changes: readonly FieldChange[];
  readonly reason: string;
  readonly requestedBy: string;
  readonly corrigendumId?: string;
}

/**
 * A record as it stands after the corrections so far. `effectiveOn` is the record's effective date:
 * correcting the field `effectiveOn` moves it (and so the record's place in effective order).
 */
export interface CorrectableRecord<Data extends object = Record<string, unknown>> {
  readonly eventId: string;
  readonly type: string;
  readonly data: Data;
  readonly effectiveOn: string;
}

/** The pseudo-field that names a record's effective date rather than a data field. */
export const EFFECTIVE_ON_FIELD = 'effectiveOn';

/** First path segments a correction may change, per event type (DESIGN.md §5). */
export const CORRECTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  PositionStated: ['partyId', 'delegateId', 'stance', 'condition', 'text', EFFECTIVE_ON_FIELD],
  SessionHeld: ['heldOn', 'place', 'attendance', 'headsOfDelegation'],
  NormProposed: ['title', 'summary'],
  CbmProposed: ['title', 'summary'],
  TopicOpened: ['title', 'summary'],
};

// Segments that would reach Object.prototype when written through a plain object.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export const describeTarget = (target: CorrectionTarget): string =>
  'statementId' in target ? `statement ${target.statementId}` : `event ${target.eventId}`;

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export const stableJson = (value: unknown): string => {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
};

/**
 * Data fields that carry the record's own effective date: `/held` defaults its effectiveOn to
 * `heldOn`, so correcting `heldOn` moves the record when the two agreed.
 */
const DATE_FIELDS: Readonly<Record<string, string>> = { SessionHeld: 'heldOn' };

/** The record's effective date after `change` to one of its data fields (the deciders' folds and the projections' alike). */
export const effectiveOnAfter = (type: string, effectiveOn: string, change: { readonly field: string; readonly from?: unknown; readonly to: unknown }): string =>
  DATE_FIELDS[type] === change.field && typeof change.to === 'string' && effectiveOn === change.from ? change.to : effectiveOn;

/** Deep equality of JSON values; `undefined` and `null` are both "absent". */
export const sameValue = (a: unknown, b: unknown): boolean => stableJson(a ?? null) === stableJson(b ?? null);

/** Lists of strings sorted, at any depth: the value as a set. */
const asSets = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...(value as string[])].sort() : value.map(asSets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asSets(v)]));
};

/**
 * Whether a correction's `from` equals the current value of `field`. Attendance lists are sets of
 * delegates: the register shows them sorted, so a `from` copied from it matches whatever order the
 * clerk first recorded them in.
 */
const matchesCurrent = (type: string, field: string, actual: unknown, from: unknown): boolean =>
  type === 'SessionHeld' && (field === 'attendance' || field.startsWith('attendance.')) ? sameValue(asSets(actual), asSets(from)) : sameValue(actual, from);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Characters of a value a detail quotes: a 100,000-character text made a 100 KB problem (`expected` and `actual` hold it whole). */
const SHOWN_CHARACTERS = 200;

const shownValue = (value: unknown): string => {
  const text = stableJson(value ?? null);
  if (text.length <= SHOWN_CHARACTERS) return text;
  const characters = Array.from(text);
  return characters.length <= SHOWN_CHARACTERS ? text : `${characters.slice(0, SHOWN_CHARACTERS).join('')}… (${characters.length} characters; the record's history shows it whole)`;
};

/** Two texts that read the same but differ in Unicode normalisation (é as one character or as e and an accent). */
const normalisationHint = (expected: unknown, actual: unknown): string =>
  typeof expected === 'string' && typeof actual === 'string' && expected !== actual && expected.normalize('NFC') === actual.normalize('NFC')
    ? ' (they differ only in Unicode normalisation, NFC against NFD: send from exactly as recorded)'
    : '';

export const CorrectionErrors = {
  staleFrom: (subject: string, field: string, expected: unknown, actual: unknown): ConflictError =>
    new ConflictError(
      'stale-from',
      `${subject}: correction of ${field} expects it to be ${shownValue(expected)} but it is ${shownValue(actual)}${normalisationHint(expected, actual)}; reload the record and correct from its current value`,
    ),
  fieldNotCorrectable: (subject: string, type: string, field: string): UnprocessableError => {
    const allowed = CORRECTABLE_FIELDS[type];
    return new UnprocessableError(
      'field-not-correctable',
      allowed === undefined
        ? `${subject}: a ${type} record cannot be corrected (field ${field})`
        : `${subject}: ${field} of a ${type} record cannot be corrected; correctable fields: ${allowed.join(', ')}`,
    );
  },
  invalidFieldPath: (subject: string, field: string, why = 'use dotted names such as stance or attendance.cn'): UnprocessableError =>
    new UnprocessableError('invalid-field-path', `${subject}: ${JSON.stringify(field)} is not a path into the record (${why})`),
  invalidEffectiveOn: (subject: string, to: unknown): UnprocessableError =>
    new UnprocessableError('invalid-effective-on', `${subject}: effectiveOn can only be corrected to a date YYYY-MM-DD, not ${stableJson(to ?? null)}`),
  noChanges: (subject: string): UnprocessableError =>
    new UnprocessableError('no-changes', `${subject}: a correction needs at least one change`),
  changesNothing: (subject: string, fields: readonly string[]): ConflictError =>
    new ConflictError(
      'correction-changes-nothing',
      `${subject}: this correction changes nothing (${fields.join(', ')} would keep ${fields.length === 1 ? 'its value' : 'their values'}): every correction must change the record`,
    ),
  corrigendumRequired: (subject: string, sessionId: string, what: string): ConflictError =>
    new ConflictError(
      'corrigendum-required',
      `${subject}: the minutes of session ${sessionId} are adopted, so correcting ${what} needs a corrigendumId`,
    ),
  unknownTarget: (subject: string, target: CorrectionTarget): UnprocessableError =>
    new UnprocessableError('unknown-target', `${subject}: there is no ${describeTarget(target)} to correct in this stream`),
  duplicateCorrection: (subject: string, correctionId: string): ConflictError =>
    new ConflictError('duplicate-correction', `${subject}: correction ${correctionId} is already recorded; choose a new correctionId`),
} as const;

const segmentsOf = (subject: string, field: string): string[] => {
  const segments = field.split('.');
  if (segments.some((s) => s.length === 0 || FORBIDDEN_SEGMENTS.has(s))) throw CorrectionErrors.invalidFieldPath(subject, field);
  return segments;
};

/**
 * A path goes through objects only: a list (`attendance.us`) is corrected whole, so a path that
 * goes on into one (`attendance.us.1`) is a 422 saying so, not a stale `from` against null.
 */
const assertPathIntoObjects = (subject: string, data: unknown, field: string): void => {
  const segments = field.split('.');
  let current: unknown = data;
  for (let index = 0; index < segments.length - 1; index++) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segments[index]!)) return;
    current = current[segments[index]!];
    if (current !== null && current !== undefined && !isPlainObject(current)) {
      const through = segments.slice(0, index + 1).join('.');
      throw CorrectionErrors.invalidFieldPath(subject, field, `${through} is ${Array.isArray(current) ? 'a list' : 'a single value'}: correct ${through} whole`);
    }
  }
};

/** The value at a dotted path of `data`, `null` when absent (DESIGN.md §5: `null` for an absent field). */
export const readPath = (data: unknown, field: string): unknown => {
  let current: unknown = data;
  for (const segment of field.split('.')) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return null;
    current = current[segment];
  }
  return current ?? null;
};

/** The current value of `field` of a record: its effective date for `effectiveOn`, else the data at that path. */
export const currentValue = (record: CorrectableRecord<object>, field: string): unknown =>
  field === EFFECTIVE_ON_FIELD ? record.effectiveOn : readPath(record.data, field);

/** A copy of `data` with the path set to `to` (or removed when `to` is null); the input is not touched. */
export const writePath = <Data extends object>(subject: string, data: Data, field: string, to: unknown): Data => {
  const segments = segmentsOf(subject, field);
  const write = (node: Record<string, unknown>, index: number): Record<string, unknown> => {
    const key = segments[index]!;
    const copy = { ...node };
    if (index === segments.length - 1) {
      if (to === null || to === undefined) delete copy[key];
      else copy[key] = to;
      return copy;
    }
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (child !== undefined && child !== null && !isPlainObject(child)) throw CorrectionErrors.invalidFieldPath(subject, field);
    copy[key] = write(isPlainObject(child) ? child : {}, index + 1);
    return copy;
  };
  return write(data as Record<string, unknown>, 0) as Data;
};

/**
 * Rejects a change whose first path segment is not correctable for the record's event type
 * (422 `field-not-correctable`), or a malformed path (422 `invalid-field-path`).
 */
export const assertCorrectable = (subject: string, type: string, changes: readonly FieldChange[]): void => {
  if (changes.length === 0) throw CorrectionErrors.noChanges(subject);
  const allowed = CORRECTABLE_FIELDS[type] ?? [];
  for (const { field } of changes) {
    const [first] = segmentsOf(subject, field);
    if (!allowed.includes(first!)) throw CorrectionErrors.fieldNotCorrectable(subject, type, field);
    if (first === EFFECTIVE_ON_FIELD && field !== EFFECTIVE_ON_FIELD) throw CorrectionErrors.invalidFieldPath(subject, field);
  }
};

/**
 * Checks each change's `from` against the record as it stands (earlier changes of the same
 * correction included, so two changes to one field chain) and returns the corrected record.
 * Throws 409 `stale-from` naming field, expected and actual.
 */
export const applyCorrection = <Data extends object>(
  subject: string,
  record: CorrectableRecord<Data>,
  changes: readonly FieldChange[],
): CorrectableRecord<Data> =>
  changes.reduce<CorrectableRecord<Data>>((current, change) => {
    if (change.field !== EFFECTIVE_ON_FIELD) assertPathIntoObjects(subject, current.data, change.field);
    const actual = currentValue(current, change.field);
    if (!matchesCurrent(current.type, change.field, actual, change.from)) throw CorrectionErrors.staleFrom(subject, change.field, change.from, actual);
    if (change.field === EFFECTIVE_ON_FIELD) {
      if (!isCalendarDate(change.to)) throw CorrectionErrors.invalidEffectiveOn(subject, change.to);
      return { ...current, effectiveOn: change.to };
    }
    return { ...current, data: writePath(subject, current.data, change.field, change.to) };
  }, record);

/** `assertCorrectable` then `applyCorrection`: the usual entry point of a decider. */
export const correctRecord = <Data extends object>(
  subject: string,
  record: CorrectableRecord<Data>,
  changes: readonly FieldChange[],
): CorrectableRecord<Data> => {
  assertCorrectable(subject, record.type, changes);
  return assertChanged(subject, record, applyCorrection(subject, record, changes), changes);
};

/**
 * A correction that leaves the record as it was (every `to` equal to the value it replaces) is
 * refused, 409 `correction-changes-nothing`, as every command the record already satisfies is
 * (README): a 201 always records a change. Returns `corrected`.
 */
export const assertChanged = <Data extends object>(
  subject: string,
  record: CorrectableRecord<Data>,
  corrected: CorrectableRecord<Data>,
  changes: readonly FieldChange[],
): CorrectableRecord<Data> => {
  if (corrected.effectiveOn === record.effectiveOn && stableJson(corrected.data) === stableJson(record.data)) {
    throw CorrectionErrors.changesNothing(subject, [...new Set(changes.map((change) => change.field))]);
  }
  return corrected;
};

/**
 * The corrigendum rule: once the minutes of the session a record was made at are adopted, a
 * correction must cite a corrigendum (409 `corrigendum-required`). `session` is the facts of THAT
 * session; a record not made at a session (`undefined`) needs none.
 */
export const assertCorrigendum = (
  subject: string,
  session: Pick<SessionFacts, 'sessionId' | 'minutesStatus'> | undefined,
  corrigendumId: string | undefined,
  what: string,
): void => {
  if (session !== undefined && session.minutesStatus === 'adopted' && (corrigendumId === undefined || corrigendumId === '')) {
    throw CorrectionErrors.corrigendumRequired(subject, session.sessionId, what);
  }
};

/**
 * For folds (deciders' evolve, projections): applies a recorded correction without checking `from`,
 * since the decider checked it when the correction was recorded and replay must not fail.
 */
export const replayCorrection = <Data extends object>(
  record: CorrectableRecord<Data>,
  changes: readonly FieldChange[],
): CorrectableRecord<Data> =>
  changes.reduce<CorrectableRecord<Data>>(
    (current, change) =>
      change.field === EFFECTIVE_ON_FIELD
        ? typeof change.to === 'string'
          ? { ...current, effectiveOn: change.to }
          : current
        : { ...current, data: writePath('record', current.data, change.field, change.to) },
    record,
  );
