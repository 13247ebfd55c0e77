import { ApiProperty } from '@nestjs/swagger';
import type { CorrectionTarget } from '../domain/corrections.js';
import { DateField, JsonValueField, LIMITS, NestedField, NestedListField, SlugField, TextField, UuidField } from './validators.js';

export class CorrectionTargetDto {
  @UuidField({ optional: true, description: 'The corrected record, by its event id' }) readonly eventId?: string;
  @SlugField({ optional: true, description: 'Or, for a position, by its statement id', example: 'st-us-01' }) readonly statementId?: string;
}

export class FieldChangeDto {
  @TextField(LIMITS.short, { description: 'Dotted path into the record\'s data whose first segment is correctable (`stance`, `attendance.cn`); `effectiveOn` is the record\'s effective date', example: 'stance' })
  readonly field!: string;

  @JsonValueField({ description: 'The current value (after earlier corrections); null for an absent field. A stale value is a 409.' })
  readonly from!: unknown;

  @JsonValueField({ description: 'The corrected value' })
  readonly to!: unknown;
}

const exactlyOneTarget = (value: unknown): string | undefined => {
  const target = value as Record<string, unknown>;
  // A null beside a real target is left to that field's own check, which names it.
  const given = (key: string): boolean => target[key] !== undefined && target[key] !== null;
  return given('eventId') === given('statementId') ? 'must name exactly one of eventId or statementId' : undefined;
};

/** POST /{sessions|norms|cbms|topics}/:id/corrections. */
export class CorrectRecordDto {
  @SlugField({ example: 'corr-01' }) readonly correctionId!: string;

  @ApiProperty({ description: '`{eventId}` or `{statementId}`, exactly one', type: CorrectionTargetDto })
  @NestedField(CorrectionTargetDto, { check: exactlyOneTarget })
  readonly target!: CorrectionTarget;

  @NestedListField(FieldChangeDto, { min: 1, max: LIMITS.changes, uniqueKey: 'field' })
  readonly changes!: FieldChangeDto[];

  @TextField(LIMITS.reason, { example: 'the delegation asked for its statement to be recorded as written' }) readonly reason!: string;
  @TextField(LIMITS.name, { example: 'cn' }) readonly requestedBy!: string;
  @TextField(LIMITS.short, { optional: true, description: 'The corrigendum that carries a correction made after the minutes were adopted', example: 'SEG/2026/1/Corr.1' })
  readonly corrigendumId?: string;
  @DateField({ optional: true, description: "Defaults to the corrected record's effective date" }) readonly effectiveOn?: string;
}

