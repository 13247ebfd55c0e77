import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator } from 'class-validator';
import { isCalendarDate } from '../../shared/domain/ids.js';
import { checkDate, MESSAGES, SingleValued, SkipWhenAbsent } from '../../shared/http/validators.js';
import { resolveCut, type ResolvedCut } from '../projections/cut.js';

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const KNOWN_AT_MESSAGE = 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)';

/**
 * A `+` offset typed into a URL unescaped (`?knownAt=2026-03-12T10:00:00+08:00`): a query string
 * reads `+` as a space, so the server receives `…T10:00:00 08:00`. Nothing else yields that shape.
 */
const PLUS_READ_AS_SPACE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)? \d{2}:\d{2}$/;

/** `value` is what arrived (digits, `T`, `:`, `.` and the space): the message gives it back as it should have been sent. */
export const knownAtPlusAsSpace = (value: string): string =>
  `has a space where its offset's + should be: a + in a query string reads as a space, so write it %2B (knownAt=${value.replace(' ', '%2B')})`;

export const KNOWN_AT_OUT_OF_RANGE = 'must fall within the years 0000 to 9999 once converted to UTC';

/** One custom constraint named `name`, failing with whatever `check` says (as the body field helpers do). */
const constraint = (name: string, check: (value: unknown) => string | undefined): PropertyDecorator => (target, propertyName) =>
  registerDecorator({
    name,
    target: target.constructor,
    propertyName: propertyName as string,
    validator: { validate: (value: unknown) => check(value) === undefined, defaultMessage: (args) => check(args?.value) ?? 'is invalid' },
  });

const checkKnownAt = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return MESSAGES.string;
  if (PLUS_READ_AS_SPACE.test(value)) return knownAtPlusAsSpace(value);
  const match = ISO_INSTANT.exec(value);
  if (match === null || !isCalendarDate(match[1])) return KNOWN_AT_MESSAGE;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return KNOWN_AT_MESSAGE;
  // An offset can push an instant of year 9999 or 0000 out of four-digit years in UTC, where it is echoed.
  return /^\d{4}-/.test(new Date(ms).toISOString()) ? undefined : KNOWN_AT_OUT_OF_RANGE;
};

/*
 * No `example` on either cut: Swagger UI would send it with every query, and a query on today's data
 * cut at an example date answers 404 "does not exist under that cut". The format is in the description.
 */
const AsOfField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date',
      description: 'Valid time, a date YYYY-MM-DD (e.g. 2026-03-15): only events effective on or before that day. Leave it out for every event.',
    }),
    SkipWhenAbsent(),
    // Before the format check: applyDecorators applies in order, and the first registered is told.
    SingleValued(),
    constraint('isCalendarDate', checkDate),
  );

const KnownAtField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      pattern: ISO_INSTANT.source,
      description:
        'Transaction time: only what was recorded by then (corrections included). An ISO-8601 timestamp with a time zone (e.g. 2026-03-20T09:30:00Z) ' +
        'or a date YYYY-MM-DD, meaning the end of that day (UTC). In a URL, write the + of an offset as %2B (2026-03-20T17:30:00%2B08:00). Leave it out for now.',
    }),
    SkipWhenAbsent(),
    // Before the format check: applyDecorators applies in order, and the first registered is told.
    SingleValued(),
    constraint('isKnownAt', checkKnownAt),
  );

/** `?asOf=&knownAt=` (DESIGN.md §5), both optional. */
export class CutQueryDto {
  @AsOfField()
  readonly asOf?: string;

  @KnownAtField()
  readonly knownAt?: string;
}

export const cutOf = (query: CutQueryDto): ResolvedCut => resolveCut({ asOf: query.asOf ?? null, knownAt: query.knownAt ?? null });
