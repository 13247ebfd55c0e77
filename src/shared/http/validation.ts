import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldError } from './problem-details.js';
import { shownField } from './shown-field.js';
import { RESERVED_IDS } from '../domain/ids.js';
import { ELEMENT_PROBLEM, ELEMENT_PROBLEMS, MESSAGES } from './validators.js';

/** Fields a 400's detail names (`errors` lists them all), each as `errors` shows it. */
const NAMED_IN_DETAIL = 20;
const namesOf = (errors: readonly FieldError[]): string =>
  errors.slice(0, NAMED_IN_DETAIL).map((error) => shownField(error.field)).join(', ') +
  (errors.length > NAMED_IN_DETAIL ? `, and ${errors.length - NAMED_IN_DETAIL} more` : '');

/** A 400: the body (or a header) has invalid fields; `errors` names every one of them. */
export class RequestValidationError extends Error {
  constructor(
    readonly errors: readonly FieldError[],
    message = `the request has ${errors.length} invalid ${errors.length === 1 ? 'field' : 'fields'}: ${namesOf(errors)}`,
  ) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

export const UNKNOWN_FIELD_MESSAGE = 'is not a field of this request';

const childPath = (parent: string, property: string, parentValue: unknown): string =>
  Array.isArray(parentValue) && /^\d+$/.test(property) ? `${parent}[${property}]` : parent === '' ? property : `${parent}.${property}`;

/** Picks the one message to show for a field: unknown beats everything, then our own checks. */
const fieldMessages = (error: ValidationError, path: string): FieldError[] => {
  const constraints = error.constraints ?? {};
  if ('whitelistValidation' in constraints) return [{ field: path, message: UNKNOWN_FIELD_MESSAGE }];
  const names = Object.keys(constraints).filter((name) => name !== 'nestedValidation');
  const name = names[0] ?? (constraints.nestedValidation !== undefined ? 'nestedValidation' : undefined);
  if (name === undefined) return [];
  const message = constraints[name]!;
  if (message === ELEMENT_PROBLEM) {
    const elements = ELEMENT_PROBLEMS.get(name)?.(error.value) ?? [];
    return elements.map((element) => ({ field: `${path}${element.path}`, message: element.message }));
  }
  return [{ field: path, message: name === 'nestedValidation' ? MESSAGES.object : message }];
};

/** Flattens class-validator's tree into one entry per invalid field, with paths like `changes[1].from`. */
export const fieldErrorsOf = (errors: readonly ValidationError[], parent = '', parentValue?: unknown): FieldError[] =>
  errors.flatMap((error) => {
    const path = childPath(parent, error.property, parentValue);
    const own = fieldMessages(error, path);
    // A field whose own check failed is reported once; its children only when it is itself fine.
    return own.length > 0 ? own : fieldErrorsOf(error.children ?? [], path, error.value);
  });

export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: true },
  exceptionFactory: (errors) => new RequestValidationError(fieldErrorsOf(errors)),
};

/**
 * The body of a POST route that takes none (verify, checkpoints, rebuild): absent or `{}`. Any field
 * is an unknown field (DESIGN §7), so a client that believes it is passing options learns it is not.
 */
export class EmptyBodyDto {}

/** The query of a route that takes no parameters (`@Query() _query: NoQueryDto`): any parameter with a value is a 400 naming it. */
export class NoQueryDto {}

/** A lone UTF-16 surrogate: text that has no UTF-8 form, hence no canonical JSON and no hash. */
const LONE_SURROGATE = /\p{Surrogate}/u;
export const MALFORMED_TEXT_MESSAGE = 'must be well-formed Unicode text (it contains a lone UTF-16 surrogate)';

/** Fields whose value is free-form (maps keyed by ids, any JSON value): their keys are data, not fields. */
const FREE_FORM_FIELDS = new Set(['attendance', 'headsOfDelegation', 'from', 'to']);

const RESERVED_KEY_MESSAGE = 'must not be used as a key: "constructor" and "prototype" are reserved names, never ids';

/**
 * What class-validator cannot see, by field path, in one walk of a body or query:
 * - text (values and keys) that is not well-formed Unicode;
 * - fields named like a member of Object.prototype (`constructor`, `toString`, `__proto__`) or
 *   `prototype`, which class-transformer never copies, so they never show as unknown (no DTO
 *   declares such a field);
 * - inside a free-form field (a map keyed by ids), the keys `constructor` and `prototype`, which
 *   class-transformer drops as silently: as ids they are reserved (RESERVED_IDS).
 */
const unseenProblemsOf = (value: unknown, path = '', freeForm = false, found: FieldError[] = []): FieldError[] => {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) found.push({ field: path === '' ? '(body)' : path, message: MALFORMED_TEXT_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((element, index) => unseenProblemsOf(element, `${path}[${index}]`, freeForm, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (!freeForm && (key === '__proto__' || key === 'prototype' || key in Object.prototype)) found.push({ field, message: UNKNOWN_FIELD_MESSAGE });
      else if (freeForm && (key === '__proto__' || RESERVED_IDS.has(key))) found.push({ field, message: RESERVED_KEY_MESSAGE });
      else if (LONE_SURROGATE.test(key)) found.push({ field, message: MALFORMED_TEXT_MESSAGE });
      else unseenProblemsOf(child, field, freeForm || FREE_FORM_FIELDS.has(key), found);
    }
  }
  return found;
};

/**
 * A query parameter sent empty (`?asOf=&knownAt=`, as a URL template fills an unset value) is
 * absent, as DESIGN §7 writes the routes (`GET /audit/events?after=&limit=&streamId=&type=`). An
 * unknown parameter with a value is still a 400 naming it.
 */
const withoutEmptyParameters = (query: Record<string, unknown>): Record<string, unknown> => {
  const kept: Record<string, unknown> = Object.create(Object.getPrototypeOf(query) as object | null) as Record<string, unknown>;
  for (const [key, parameter] of Object.entries(query)) if (parameter !== '') kept[key] = parameter;
  return kept;
};

const unknownFieldsOf = (value: object): FieldError[] => Object.keys(value).map((field) => ({ field, message: UNKNOWN_FIELD_MESSAGE }));

/**
 * The global pipe: class-validator DTOs, unknown fields rejected. A body that is not a JSON object
 * (an array, a string) is a 400 before any field is looked at; no body at all counts as `{}` so
 * that the answer lists the required fields. Text with a lone UTF-16 surrogate (JSON allows the
 * escape `\ud800`) is a 400 too: it could not be canonicalised, hashed or stored as UTF-8.
 */
@Injectable()
export class LedgerValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_PIPE_OPTIONS);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype !== undefined && metadata.metatype !== Object) {
      if (value === undefined) value = {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new RequestValidationError([{ field: '(body)', message: 'must be a JSON object' }], 'the request body must be a JSON object');
      }
      if (metadata.metatype === EmptyBodyDto) {
        // class-validator cannot check a class with no fields (forbidUnknownValues refuses it whole).
        const unknown = unknownFieldsOf(value as object);
        if (unknown.length > 0) throw new RequestValidationError(unknown);
        return {};
      }
    }
    if (metadata.type === 'query' && typeof value === 'object' && value !== null && !Array.isArray(value)) value = withoutEmptyParameters(value as Record<string, unknown>);
    if (metadata.type === 'query' && metadata.metatype === NoQueryDto) {
      const unknown = typeof value === 'object' && value !== null ? unknownFieldsOf(value) : [];
      if (unknown.length > 0) throw new RequestValidationError(unknown);
      return {};
    }
    const extra = (metadata.type === 'query' || metadata.type === 'body') && metadata.metatype !== undefined && metadata.metatype !== Object ? unseenProblemsOf(value) : [];
    let validated: unknown;
    try {
      validated = await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof RequestValidationError) || extra.length === 0) throw error;
      const listed = new Set(error.errors.map((e) => e.field));
      throw new RequestValidationError([...error.errors, ...extra.filter((e) => !listed.has(e.field))]);
    }
    if (extra.length > 0) throw new RequestValidationError(extra);
    // Handlers get plain data, never DTO instances: absent optional fields stay absent in events.
    return metadata.type === 'body' && typeof validated === 'object' && validated !== null ? JSON.parse(JSON.stringify(validated)) : validated;
  }
}
