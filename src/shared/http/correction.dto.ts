import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CorrectionTarget } from '../domain/corrections.js';
import { STANCES } from '../../subjects/domain/position.events.js';
import {
  type BodyCheck,
  type Check,
  checkDate,
  checkOneOf,
  checkSlug,
  checkText,
  DateField,
  JsonValueField,
  LIMITS,
  MESSAGES,
  NestedField,
  NestedListField,
  SlugField,
  TextField,
  UuidField,
} from './validators.js';

export class CorrectionTargetDto {
  @UuidField({ optional: true, description: 'The corrected record, by its event id (the `events[].eventId` of the 201 that recorded it)' }) readonly eventId?: string;
  @SlugField({ optional: true, description: 'Or, for a position, by its statement id', example: 'st-us-01' }) readonly statementId?: string;
}

const orNull = (check: Check): Check => (value) => (value === null ? undefined : check(value));

const checkSlugList: Check = (value) => {
  if (!Array.isArray(value)) return MESSAGES.array;
  if (value.length > LIMITS.listItems) return MESSAGES.arrayMax(LIMITS.listItems);
  const problem = value.map(checkSlug).find((message) => message !== undefined);
  if (problem !== undefined) return `each item ${problem}`;
  return new Set(value).size === value.length ? undefined : MESSAGES.unique;
};

/** `{key: value}` with slug keys, each value passing `check`. */
const checkSlugRecord = (check: Check): Check => (value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.object;
  for (const [key, item] of Object.entries(value)) {
    if (checkSlug(key) !== undefined) return `key ${JSON.stringify(key)} ${MESSAGES.slug}`;
    const problem = check(item);
    if (problem !== undefined) return `${key} ${problem}`;
  }
  return undefined;
};

/**
 * What `to` must be for the correctable fields (DESIGN §5) whose values have a form of their own,
 * as the command that recorded them checked it: a value of the wrong form is a 400 naming
 * `changes[i].to`, like any invalid field. Whether the corrected record still keeps the rules (a
 * registered party, a delegate who attended, a conditional stance with its condition) is the
 * decider's 422; a path that names no correctable field is too.
 */
const CORRECTED_VALUE: Readonly<Record<string, Check>> = {
  effectiveOn: checkDate,
  heldOn: checkDate,
  stance: checkOneOf(STANCES),
  partyId: checkSlug,
  delegateId: orNull(checkSlug),
  condition: orNull(checkText(LIMITS.reason)),
  text: checkText(LIMITS.text),
  place: checkText(LIMITS.name),
  title: checkText(LIMITS.title),
  summary: orNull(checkText(LIMITS.summary)),
  attendance: checkSlugRecord(checkSlugList),
  headsOfDelegation: orNull(checkSlugRecord(checkSlug)),
};

const correctedValueCheck = (field: unknown): Check | undefined => {
  if (typeof field !== 'string') return undefined;
  if (Object.hasOwn(CORRECTED_VALUE, field)) return CORRECTED_VALUE[field];
  if (/^attendance\.[^.]+$/.test(field)) return orNull(checkSlugList);
  if (/^headsOfDelegation\.[^.]+$/.test(field)) return orNull(checkSlug);
  return undefined;
};

const checkCorrectedValue: BodyCheck = (value, change) => correctedValueCheck(change.field)?.(value);

export class FieldChangeDto {
  @TextField(LIMITS.short, { description: 'Dotted path into the record\'s data whose first segment is correctable (`stance`, `attendance.cn`); `effectiveOn` is the record\'s effective date', example: 'stance' })
  readonly field!: string;

  @JsonValueField({ description: 'The current value (after earlier corrections); null for an absent field. A stale value is a 409.' })
  readonly from!: unknown;

  @JsonValueField({
    description:
      'The corrected value, of the form the field takes when recorded (a real date for `effectiveOn` and `heldOn`, a stance, a slug for ' +
      '`partyId`, non-blank text within the field\'s limit; `null` removes an optional field). A value of another form is a 400 naming `changes[i].to`.',
    check: checkCorrectedValue,
  })
  readonly to!: unknown;
}

const exactlyOneTarget = (value: unknown): string | undefined => {
  const target = value as Record<string, unknown>;
  // A null beside a real target is left to that field's own check, which names it.
  const given = (key: string): boolean => target[key] !== undefined && target[key] !== null;
  return given('eventId') === given('statementId') ? 'must name exactly one of eventId or statementId' : undefined;
};

/** The statement of the story the examples tell (see track.dtos.ts), as recorded and as corrected. */
const STATEMENT_CORRECTION = [{ field: 'text', from: 'The United States supports the proposal as drafted.', to: 'The United States supports the proposal as drafted and asks that its implementation be reviewed in 2027.' }];

/** POST /{sessions|norms|cbms|topics}/:id/corrections. */
@ApiSchema({
  description:
    "The example corrects the text of the United States' statement st-us-01 of the story (on the norm, the CBM or the topic); the story's minutes are adopted by then, so it carries a corrigendum. " +
    'A session has no statements: its corrections target the SessionHeld record by `{eventId}`, which only the answer to POST /sessions/{sessionId}/held gives ' +
    '(its `events[0].eventId`, or `heldEventId` in GET /sessions/{sessionId}), e.g. ' +
    '`{"correctionId": "corr-02", "target": {"eventId": "<heldEventId>"}, "changes": [{"field": "place", "from": "Honolulu", "to": "Honolulu, East-West Center"}], ' +
    '"reason": "the venue was misrecorded", "requestedBy": "secretariat", "corrigendumId": "SEG/2026/1/Corr.1"}`. ' +
    'Changing `stance` to `conditional` needs `condition` in the same correction (`{"field": "condition", "from": null, "to": "..."}`).',
})
export class CorrectRecordDto {
  @SlugField({ example: 'corr-01' }) readonly correctionId!: string;

  @ApiProperty({ description: '`{eventId}` or `{statementId}`, exactly one', type: CorrectionTargetDto, example: { statementId: 'st-us-01' } })
  @NestedField(CorrectionTargetDto, { check: exactlyOneTarget })
  readonly target!: CorrectionTarget;

  @NestedListField(FieldChangeDto, { min: 1, max: LIMITS.changes, uniqueKey: 'field', example: STATEMENT_CORRECTION })
  readonly changes!: FieldChangeDto[];

  @TextField(LIMITS.reason, { example: 'the delegation asked for its statement to be recorded as delivered' }) readonly reason!: string;
  @TextField(LIMITS.name, { description: 'Who asked for the correction (a party, the secretariat)', example: 'us' }) readonly requestedBy!: string;
  @TextField(LIMITS.short, { optional: true, description: 'The corrigendum that carries a correction made after the minutes were adopted', example: 'SEG/2026/1/Corr.1' })
  readonly corrigendumId?: string;
  @DateField({ optional: true, description: "Defaults to the corrected record's effective date", example: '2026-03-12' }) readonly effectiveOn?: string;
}

