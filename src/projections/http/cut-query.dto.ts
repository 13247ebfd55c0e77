import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator } from 'class-validator';
import { isCalendarDate } from '../../shared/domain/ids.js';
import { DateField, MESSAGES, SkipWhenAbsent } from '../../shared/http/validators.js';
import { resolveCut, type ResolvedCut } from '../projections/cut.js';

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const KNOWN_AT_MESSAGE = 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)';

export const KNOWN_AT_OUT_OF_RANGE = 'must fall within the years 0000 to 9999 once converted to UTC';

const checkKnownAt = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return MESSAGES.string;
  const match = ISO_INSTANT.exec(value);
  if (match === null || !isCalendarDate(match[1])) return KNOWN_AT_MESSAGE;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return KNOWN_AT_MESSAGE;
  // An offset can push an instant of year 9999 or 0000 out of four-digit years in UTC, where it is echoed.
  return /^\d{4}-/.test(new Date(ms).toISOString()) ? undefined : KNOWN_AT_OUT_OF_RANGE;
};

const KnownAtField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      description: 'Transaction time: only what was recorded by then (corrections included). A bare date means the end of that day (UTC). Default: now.',
      example: '2026-03-20',
    }),
    SkipWhenAbsent(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isKnownAt',
        target: target.constructor,
        propertyName: propertyName as string,
        validator: { validate: (value: unknown) => checkKnownAt(value) === undefined, defaultMessage: (args) => checkKnownAt(args?.value) ?? 'is invalid' },
      }),
  );

/** `?asOf=&knownAt=` (DESIGN.md §5), both optional. */
export class CutQueryDto {
  @DateField({ optional: true, description: 'Valid time: only events effective on or before this day. Default: every event.', example: '2026-03-15' })
  readonly asOf?: string;

  @KnownAtField()
  readonly knownAt?: string;
}

export const cutOf = (query: CutQueryDto): ResolvedCut => resolveCut({ asOf: query.asOf ?? null, knownAt: query.knownAt ?? null });
