import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { registerDecorator, ValidateIf, ValidateNested, type ValidationArguments } from 'class-validator';
import { isCalendarDate, isSlug, RESERVED_IDS, SLUG_PATTERN } from '../domain/ids.js';
import { controlCharacterProblem, isBlank, LIMITS, longerThan, NO_CONTROL_PATTERN } from '../domain/limits.js';

/**
 * Body field decorators. Each field carries ONE constraint that checks presence, type and format
 * in that order and says exactly what is wrong, so a 400 lists one clear message per field.
 */

export const MESSAGES = {
  required: 'is required',
  slug: 'must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit',
  reservedId: 'must not be "constructor" or "prototype": these names are reserved (every JavaScript object answers to them)',
  date: 'must be a real calendar date written YYYY-MM-DD',
  string: 'must be a string',
  notBlank: 'must not be blank',
  // Characters are code points (an emoji counts one), as OpenAPI's maxLength.
  maxLength: (max: number) => `must be at most ${max} characters long`,
  oneOf: (values: readonly string[]) => `must be one of: ${values.join(', ')}`,
  integer: (min: number, max: number) => `must be an integer from ${min} to ${max}`,
  array: 'must be an array',
  object: 'must be a JSON object',
  arrayMin: (min: number) => `must list at least ${min} ${min === 1 ? 'item' : 'items'}`,
  arrayMax: (max: number) => `must list at most ${max} items`,
  unique: 'must not repeat a value',
  uniqueBy: (key: string) => `must not repeat ${/^[aeiou]/i.test(key) ? 'an' : 'a'} ${key}`,
  uuid: 'must be a UUID',
  present: 'is required (null stands for an absent value)',
} as const;

export { LIMITS };

export type Check = (value: unknown) => string | undefined;

interface FieldOptions {
  readonly optional?: boolean;
  readonly description?: string;
  readonly example?: unknown;
  /**
   * An optional field that another field of the body makes required (`condition` with
   * `stance: conditional`): absent then, it fails with `message`, so the 400 names it.
   */
  readonly requiredWhen?: { readonly holds: (body: Record<string, unknown>) => boolean; readonly message: string };
}

/** Checks a field's value in the body it came in (for a field that another field makes required). */
export type BodyCheck = (value: unknown, body: Record<string, unknown>) => string | undefined;

/** One custom constraint named `name`, failing with whatever `check` says. */
const constraint = (name: string, check: BodyCheck): PropertyDecorator => (target, propertyName) =>
  registerDecorator({
    name,
    target: target.constructor,
    propertyName: propertyName as string,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => check(value, (args?.object ?? {}) as Record<string, unknown>) === undefined,
      defaultMessage: (args?: ValidationArguments) => check(args?.value, (args?.object ?? {}) as Record<string, unknown>) ?? 'is invalid',
    },
  });

const presence = (optional: boolean | undefined, check: Check): Check => (value) => {
  if (value === undefined) return optional ? undefined : MESSAGES.required;
  if (value === null) return optional ? MESSAGES.required.replace('is required', 'must not be null when given') : MESSAGES.required;
  return check(value);
};

/**
 * An optional field is skipped only when ABSENT. class-validator's IsOptional() also skips null, so
 * `null` would reach the handlers and be recorded (events carry optional fields absent, never null).
 */
export const SkipWhenAbsent = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** As a repeated header is told: `?asOf=a&asOf=b` arrives as a list, which the other checks would name as a bad value. */
export const GIVEN_TWICE = 'is given more than once: send it once';

/** A query parameter given at most once. List it last on a field, so that it is the check told first (the first decorator applied registers first). */
export const SingleValued = (): PropertyDecorator => (target, propertyName) =>
  registerDecorator({
    name: 'singleValued',
    target: target.constructor,
    propertyName: propertyName as string,
    validator: { validate: (value: unknown) => !Array.isArray(value), defaultMessage: () => GIVEN_TWICE },
  });

const field = (name: string, options: FieldOptions, check: Check, api: ApiPropertyOptions): PropertyDecorator => {
  const { requiredWhen } = options;
  const checked = presence(options.optional, check);
  return applyDecorators(
    ApiProperty({ ...api, required: !options.optional, description: options.description ?? api.description, ...(options.example !== undefined ? { example: options.example } : {}) } as ApiPropertyOptions),
    ...(options.optional
      ? [requiredWhen === undefined ? SkipWhenAbsent() : ValidateIf((body: object, value: unknown) => value !== undefined || requiredWhen.holds(body as Record<string, unknown>))]
      : []),
    constraint(name, (value, body) => (value === undefined && requiredWhen?.holds(body) ? requiredWhen.message : checked(value))),
  );
};

export const checkSlug: Check = (value) =>
  typeof value !== 'string' ? MESSAGES.string : isSlug(value) ? undefined : RESERVED_IDS.has(value) ? MESSAGES.reservedId : MESSAGES.slug;
export const checkDate: Check = (value) => (typeof value !== 'string' ? MESSAGES.string : isCalendarDate(value) ? undefined : MESSAGES.date);
export const checkText = (max: number): Check => (value) => {
  if (typeof value !== 'string') return MESSAGES.string;
  if (isBlank(value)) return MESSAGES.notBlank;
  if (longerThan(value, max)) return MESSAGES.maxLength(max);
  return controlCharacterProblem(value);
};

/** A client-chosen id: `^[a-z0-9][a-z0-9-]{0,62}$`, but `constructor` and `prototype` (RESERVED_IDS). */
export const SlugField = (options: FieldOptions = {}): PropertyDecorator =>
  field('isSlugId', options, checkSlug, { type: String, pattern: SLUG_PATTERN.source, maxLength: 63, example: options.example ?? 'us-cn-seg' });

/** YYYY-MM-DD naming a day that exists. */
export const DateField = (options: FieldOptions = {}): PropertyDecorator =>
  field('isCalendarDate', options, checkDate, { type: String, format: 'date', example: options.example ?? '2026-03-12' });

/** Non-blank text of at most `max` characters. */
export const TextField = (max: number, options: FieldOptions = {}): PropertyDecorator =>
  field('isBoundedText', options, checkText(max), { type: String, minLength: 1, maxLength: max, pattern: NO_CONTROL_PATTERN, ...(options.example !== undefined ? { example: options.example } : {}) });

export const checkOneOf = (values: readonly string[]): Check => (value) => (typeof value === 'string' && values.includes(value) ? undefined : MESSAGES.oneOf(values));

export const EnumField = <T extends string>(values: readonly T[], options: FieldOptions = {}): PropertyDecorator =>
  field('isOneOf', options, checkOneOf(values), {
    type: String,
    enum: [...values],
    example: options.example ?? values[0],
  });

export const IntField = (min: number, max: number, options: FieldOptions = {}): PropertyDecorator =>
  field('isBoundedInt', options, (value) => (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? undefined : MESSAGES.integer(min, max)), {
    type: 'integer',
    minimum: min,
    maximum: max,
    example: options.example ?? min,
  });

export const UuidField = (options: FieldOptions = {}): PropertyDecorator =>
  field('isUuid', options, (value) => (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? undefined : MESSAGES.uuid), {
    type: String,
    format: 'uuid',
  });

/**
 * Any JSON value, null included, as OpenAPI 3.0 can say it: `nullable` counts only beside a `type`
 * (3.0.3), so null rides on the object branch; `anyOf`, since a value may match more than one.
 */
export const ANY_JSON_VALUE: { readonly anyOf: ReadonlyArray<Record<string, unknown>> } = {
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, { type: 'object', additionalProperties: true, nullable: true }],
};

/** Any JSON value, null included, but it must be present; `check` may hold it to what a sibling field says. */
export const JsonValueField = (options: FieldOptions & { check?: BodyCheck } = {}): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ required: true, description: options.description, ...ANY_JSON_VALUE } as unknown as ApiPropertyOptions),
    constraint('isPresent', (value, body) => (value === undefined ? MESSAGES.present : options.check?.(value, body))),
  );

export interface ArrayOptions extends FieldOptions {
  readonly min?: number;
  readonly max?: number;
}

const checkArray = (options: ArrayOptions, item?: Check): Check => (value) => {
  if (!Array.isArray(value)) return MESSAGES.array;
  const min = options.min ?? 0;
  if (value.length < min) return MESSAGES.arrayMin(min);
  const max = options.max ?? LIMITS.listItems;
  if (value.length > max) return MESSAGES.arrayMax(max);
  if (item) {
    // Element problems are reported with their own path by the `elements` extractor below.
    if (value.some((element) => item(element) !== undefined)) return ELEMENT_PROBLEM;
    if (new Set(value).size !== value.length) return MESSAGES.unique;
  }
  return undefined;
};

/** Sentinel message: the container itself is fine, some elements are not (listed by ELEMENT_PROBLEMS). */
export const ELEMENT_PROBLEM = '\u0000element';

/**
 * Per constraint name: the problems of each element of a list or record, with the path suffix of
 * each (`[1]`, `.cn[0]`), so that a 400 names the exact element (see validation.ts).
 */
export const ELEMENT_PROBLEMS = new Map<string, (value: unknown) => Array<{ path: string; message: string }>>();

ELEMENT_PROBLEMS.set('isSlugList', (value) =>
  (value as unknown[]).flatMap((element, index) => {
    const message = checkSlug(element);
    return message === undefined ? [] : [{ path: `[${index}]`, message }];
  }),
);

/** A list of slugs (party ids, norm ids): each element checked, no repeats. */
export const SlugListField = (options: ArrayOptions = {}): PropertyDecorator =>
  field('isSlugList', options, checkArray(options, checkSlug), {
    type: String,
    isArray: true,
    minItems: options.min ?? 0,
    maxItems: options.max ?? LIMITS.listItems,
    uniqueItems: true,
    items: { type: 'string', pattern: SLUG_PATTERN.source },
    example: options.example ?? ['us', 'cn'],
  } as ApiPropertyOptions);

/**
 * An element of a list of nested objects must itself be an object: class-validator's
 * ValidateNested walks into an element that is an array (`[[{…}]]`) and would pass it on.
 */
const checkObject: Check = (value) => (value === null || typeof value !== 'object' || Array.isArray(value) ? MESSAGES.object : undefined);

ELEMENT_PROBLEMS.set('isNestedList', (value) =>
  (value as unknown[]).flatMap((element, index) => {
    const message = checkObject(element);
    return message === undefined ? [] : [{ path: `[${index}]`, message }];
  }),
);

/** A list of nested objects, each validated against `type`; `uniqueKey` must not repeat. */
export const NestedListField = (type: new () => object, options: ArrayOptions & { uniqueKey?: string } = {}): PropertyDecorator =>
  applyDecorators(
    field(
      'isNestedList',
      options,
      (value) => {
        const problem = checkArray(options, checkObject)(value);
        if (problem !== undefined || options.uniqueKey === undefined) return problem;
        const keys = (value as unknown[]).map((element) => (element !== null && typeof element === 'object' ? (element as Record<string, unknown>)[options.uniqueKey!] : undefined)).filter((key) => typeof key === 'string');
        return new Set(keys).size !== keys.length ? MESSAGES.uniqueBy(options.uniqueKey) : undefined;
      },
      { type: () => type, isArray: true, minItems: options.min ?? 0, maxItems: options.max ?? LIMITS.listItems } as ApiPropertyOptions,
    ),
    ValidateNested({ each: true }),
    Type(() => type),
  );

/** One nested object validated against `type`. */
export const NestedField = (type: new () => object, options: FieldOptions & { check?: Check } = {}): PropertyDecorator =>
  applyDecorators(
    field('isNestedObject', options, (value) => checkObject(value) ?? options.check?.(value), { type: () => type }),
    ValidateNested(),
    Type(() => type),
  );

/** Problems of a record's entries, each with its own path suffix (`.cn`, `.cn[0]`). */
export type EntryProblems = (value: Record<string, unknown>) => Array<{ path: string; message: string }>;

const keyPath = (key: string): string => (/^[A-Za-z0-9_-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const recordField = (name: string, options: FieldOptions & { maxKeys?: number }, entries: EntryProblems, api: ApiPropertyOptions): PropertyDecorator => {
  ELEMENT_PROBLEMS.set(name, (value) => entries(value as Record<string, unknown>));
  const maxKeys = options.maxKeys ?? LIMITS.listItems;
  return field(
    name,
    options,
    (value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.object;
      if (Object.keys(value).length > maxKeys) return `must have at most ${maxKeys} entries`;
      return entries(value as Record<string, unknown>).length > 0 ? ELEMENT_PROBLEM : undefined;
    },
    { maxProperties: maxKeys, ...api } as ApiPropertyOptions,
  );
};

const keyProblems = (value: Record<string, unknown>, keyKind: string) =>
  Object.keys(value)
    .filter((key) => !isSlug(key))
    .map((key) => ({ path: keyPath(key), message: `key must be a ${keyKind} id: ${(RESERVED_IDS.has(key) ? MESSAGES.reservedId : MESSAGES.slug).slice('must be '.length)}` }));

/** `{partyId: [delegateId]}`: slug keys, each a list of distinct slugs. */
export const SlugListRecordField = (keyKind: string, valueKind: string, options: FieldOptions = {}): PropertyDecorator =>
  recordField(
    'isSlugListRecord',
    options,
    (value) => [
      ...keyProblems(value, keyKind),
      ...Object.entries(value).flatMap(([key, list]) => {
        if (!Array.isArray(list)) return [{ path: keyPath(key), message: `must be an array of ${valueKind} ids` }];
        const problems = list.flatMap((element, index) => {
          const message = checkSlug(element);
          return message === undefined ? [] : [{ path: `${keyPath(key)}[${index}]`, message }];
        });
        if (problems.length === 0 && new Set(list).size !== list.length) problems.push({ path: keyPath(key), message: `must not repeat a ${valueKind} id` });
        if (problems.length === 0 && list.length > LIMITS.listItems) problems.push({ path: keyPath(key), message: MESSAGES.arrayMax(LIMITS.listItems) });
        return problems;
      }),
    ],
    {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string', pattern: SLUG_PATTERN.source }, uniqueItems: true },
      description: options.description ?? `${keyKind} id → list of ${valueKind} ids`,
      example: options.example ?? { us: ['us-del-1'], cn: ['cn-del-1'] },
    } as ApiPropertyOptions,
  );

/** `{partyId: delegateId}`: slug keys and slug values. */
export const SlugRecordField = (keyKind: string, valueKind: string, options: FieldOptions = {}): PropertyDecorator =>
  recordField(
    'isSlugRecord',
    options,
    (value) => [
      ...keyProblems(value, keyKind),
      ...Object.entries(value).flatMap(([key, element]) => {
        const message = checkSlug(element);
        return message === undefined ? [] : [{ path: keyPath(key), message }];
      }),
    ],
    {
      type: 'object',
      additionalProperties: { type: 'string', pattern: SLUG_PATTERN.source },
      description: options.description ?? `${keyKind} id → ${valueKind} id`,
      example: options.example ?? { us: 'us-del-1', cn: 'cn-del-1' },
    } as ApiPropertyOptions,
  );
