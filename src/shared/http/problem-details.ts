import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { shownField } from './shown-field.js';

/**
 * Every problem `type` is `https://norms-ledger.dev/problems/<code>`, where `<code>` is the stable,
 * kebab-case code of the error (a DomainError code such as `no-consensus`, or one of the HTTP-level
 * codes below). Clients branch on `type`, never on `detail`, which is for people.
 */
export const PROBLEM_TYPE_BASE = 'https://norms-ledger.dev/problems/';

export const problemType = (code: string): string => `${PROBLEM_TYPE_BASE}${code}`;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Codes the HTTP layer itself answers with (domain codes come from the deciders). */
export const HttpProblemCode = {
  invalidRequest: 'invalid-request',
  malformedJson: 'malformed-json',
  malformedUrl: 'malformed-url',
  malformedRequest: 'malformed-request',
  requestAborted: 'request-aborted',
  bodyTooLarge: 'body-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  routeNotFound: 'route-not-found',
  methodNotAllowed: 'method-not-allowed',
  internalError: 'internal-error',
  storeUnavailable: 'store-unavailable',
  readModelsBehind: 'read-models-behind',
  shuttingDown: 'shutting-down',
} as const;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem details. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

/** Words of a type written as a reader writes them in a title. */
const ACRONYMS: Readonly<Record<string, string>> = { json: 'JSON', url: 'URL', cbm: 'CBM', id: 'ID' };

/** "no-consensus" → "No consensus", "malformed-json" → "Malformed JSON": one title per type, as RFC 9457 asks. */
export const titleOf = (code: string): string => {
  const words = code.split('-').map((word) => ACRONYMS[word] ?? word).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Control and format characters, line and paragraph separators: nothing a reader sees as itself. */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * A detail shows invisible characters as `\u` escapes (`\u202E`, `\u200B`): raw, a bidi override
 * quoted from a path or a body reorders the rest of the line in a log or a terminal, and two values
 * that differ only by one read the same.
 */
export const visible = (text: string): string =>
  text.replace(INVISIBLE, (character) => `\\u${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

/** Characters of a detail: every quoted value is already cut to 200 (corrections.ts); this bounds what a list of fields adds. */
const SHOWN_DETAIL_CHARACTERS = 2000;

/** The first `max` code points of `text`, with an ellipsis when it had more. */
const clipped = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  for (const character of text) {
    if (count === max) return `${text.slice(0, end)}…`;
    end += character.length;
    count++;
  }
  return text;
};

export const problem = (status: number, code: string, detail: string, extra: { errors?: readonly FieldError[] } = {}): ProblemDetails => ({
  type: problemType(code),
  title: titleOf(code),
  status,
  detail: visible(clipped(detail, SHOWN_DETAIL_CHARACTERS)),
  ...(extra.errors === undefined ? {} : { errors: extra.errors.map((error) => ({ field: shownField(error.field), message: error.message })) }),
});

/**
 * A 400 about the request as a whole rather than one field (a body that is not JSON, a malformed
 * path): its `errors` still lists it, under a pseudo-field (`(body)`, `(path)`, `(request)`), so
 * that every 400 carries `errors` (DESIGN §7) and a client shows it the same way.
 */
export const requestProblem = (code: string, detail: string, field: '(body)' | '(path)' | '(request)'): ProblemDetails =>
  problem(400, code, detail, { errors: [{ field, message: visible(detail) }] });

export class FieldErrorDto implements FieldError {
  @ApiProperty({ description: 'Path of the invalid field in the body (`changes[1].from`, `attendance.cn[0]`) or the header name', example: 'partyId' })
  readonly field!: string;

  @ApiProperty({ example: 'must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit' })
  readonly message!: string;
}

export class ProblemDetailsDto implements ProblemDetails {
  [extension: string]: unknown;

  @ApiProperty({
    description:
      'Stable URI naming the kind of problem: `https://norms-ledger.dev/problems/<code>`. HTTP-level codes: ' +
      '`invalid-request` (400), `malformed-json` (400), `malformed-request` (400), `malformed-url` (400), `unauthorized` (401, with ' +
      '`WWW-Authenticate`), `forbidden` (403), `route-not-found` (404), `stream-not-found` (404), `method-not-allowed` (405, with an ' +
      '`Allow` header), `request-timeout` (408), `body-too-large` (413), `event-too-large` (413), `uri-too-long` (414), ' +
      '`unsupported-media-type` (415), `too-many-requests` (429, with `Retry-After`), `headers-too-large` (431), `internal-error` (500), ' +
      '`ledger-damaged` (500), `store-unavailable` (503), `read-models-behind` (503), `clock-behind` (503, the server\'s clock reads earlier than what the ledger recorded), `shutting-down` (503, while the server stops), `event-schema-unknown` (503, an event written by a newer norms-ledger than this instance). Rule codes come from the ' +
      'record (e.g. `not-found`, `already-exists`, `no-consensus`, `subject-withdrawn`, `stale-from`, ' +
      '`revision-mismatch`, `idempotency-key-reused`, `unknown-party`, `session-not-held`).',
    example: 'https://norms-ledger.dev/problems/no-consensus',
  })
  readonly type!: string;

  @ApiProperty({ description: 'Short summary of the problem type (the same for every problem of that type)', example: 'No consensus' })
  readonly title!: string;

  @ApiProperty({ description: 'The HTTP status code', example: 409 })
  readonly status!: number;

  @ApiProperty({ description: 'What went wrong with this request, in words a clerk can act on', example: 'norm gge-13i: no consensus: cn is conditional, us is conditional' })
  readonly detail!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'On every 400: one entry per invalid field (or header); a problem with the request as a whole under `(body)`, `(path)` or `(request)`' })
  readonly errors?: FieldErrorDto[];
}
