import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  HttpCode,
  Injectable,
  type NestInterceptor,
  type PipeTransform,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOperation, ApiParam, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { notFound } from '../application/not-found.error.js';
import { isSlug, SLUG_PATTERN } from '../domain/ids.js';
import type { CommandResult } from '../event-store/handle-command.js';
import { ProblemDetailsDto } from './problem-details.js';
import { CommandHeadersInterceptor, formatETag, IF_MATCH_MESSAGE, MAX_IDEMPOTENCY_KEY_LENGTH, VISIBLE_ASCII } from './request-context.js';

export class RecordedEventRefDto {
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
  @ApiProperty({ example: 'PositionStated' }) readonly type!: string;
  @ApiProperty({ example: 3 }) readonly revision!: number;
}

export class CommandResultDto implements CommandResult {
  @ApiProperty({ example: 'norm-gge-13i' }) readonly streamId!: string;
  @ApiProperty({ description: 'Revision of the stream after this command (also the ETag)', example: 3 }) readonly revision!: number;
  @ApiProperty({ description: 'Global position of the last event, a decimal string', example: '42' }) readonly position!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-12T09:30:00.000Z' }) readonly recordedAt!: string;
  @ApiProperty({ type: [RecordedEventRefDto], description: 'The events recorded: at least one (a command that would record nothing new is a 409)' })
  readonly events!: RecordedEventRefDto[];
}

export const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed JSON, invalid or unknown fields (`errors` lists each), or a malformed If-Match / Idempotency-Key header',
  404: "The route's subject does not exist",
  409: "The command conflicts with the record's state",
  412: 'If-Match does not name the current revision (or, with If-Match: *, the record does not exist yet)',
  413: 'Body over 1 MiB',
  415: 'Body not sent as application/json',
  422: 'The body refers to something unknown or inconsistent, or the Idempotency-Key was used for another request',
  503: 'Not now (Retry-After says when to try again): the read models have not caught up with the log within 5 s (`read-models-behind`), the event store is unreachable or refused the write, a full disk say (`store-unavailable`, `Retry-After: 10`), the server clock reads earlier than what the ledger recorded (`clock-behind`), or the server is stopping (`shutting-down`); without Retry-After, `event-schema-unknown`: the record holds an event written by a newer norms-ledger, which this instance cannot read (upgrade it)',
};

/** The 400 of a route that takes no body and no command header: only its query and path can be wrong. */
export const QUERY_400 = 'An invalid or unknown query parameter (`errors` names each), or a malformed path';

const problemsWith =
  (descriptions: Readonly<Record<number, string>>) =>
  (...statuses: number[]): MethodDecorator & ClassDecorator =>
    applyDecorators(
      ApiExtraModels(ProblemDetailsDto),
      ...statuses.map((status) =>
        ApiResponse({
          status,
          description: descriptions[status] ?? 'Problem',
          content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
        }),
      ),
    );

/** Documents problem+json answers for the given statuses. */
export const ApiProblems = problemsWith(PROBLEM_DESCRIPTIONS);

/** As ApiProblems, for a GET: its 400 is about the query or the path. */
export const ApiQueryProblems = problemsWith({ ...PROBLEM_DESCRIPTIONS, 400: QUERY_400 });

/** A POST that takes no body (pair it with `@Body() _body: EmptyBodyDto`): none or `{}`, any field a 400. */
export const ApiNoBody = (): MethodDecorator =>
  applyDecorators(
    ApiBody({ required: false, description: 'None: send no body, or `{}`; any field is a 400', schema: { type: 'object', maxProperties: 0 } }),
    ApiProblems(400, 413, 415),
  );

/** Sets `ETag: W/"<revision>"` from the command's result. */
@Injectable()
export class CommandETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandResult>): Observable<CommandResult> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result) => {
        void reply.header('ETag', formatETag(result.revision));
        return result;
      }),
    );
  }
}

/** The request headers every command reads (If-Match, Idempotency-Key, X-Correlation-Id), documented once. */
export const ApiCommandHeaders = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({ name: 'If-Match', required: false, description: `Optimistic concurrency: the stream revision last seen (from an ETag). ${IF_MATCH_MESSAGE.replace('must be', 'Written')}. A mismatch is a 412; * asks only that the record exist; a malformed value a 400.` }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: VISIBLE_ASCII.source },
      description: `1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (spaces only between others). A retry with the same key, route and body answers the first response and records nothing; the same key with another route or body is a 422. Every 201 records at least one event, so its key is remembered; a refused request records nothing and leaves its key free.`,
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Traces the request; recorded as metadata.correlationId and echoed on the response. Generated when absent or not 1 to 128 printable ASCII characters (spaces only between others).' }),
  );

/** The ETag a command's 201 carries. */
export const ETAG_HEADER = { ETag: { description: 'W/"<revision>" of the stream after this command', schema: { type: 'string', example: 'W/"3"' } } };

export interface CommandRouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly body: new () => object;
  /** Statuses beyond 400/412/413/415 that this command can answer. */
  readonly errors: readonly (404 | 409 | 422)[];
}

/**
 * A command route: POST, 201 with the CommandResult and its ETag, the command headers and every
 * problem it can answer, documented once here.
 */
export const CommandRoute = (path: string, doc: CommandRouteDoc): MethodDecorator =>
  applyDecorators(
    Post(path),
    HttpCode(201),
    UseInterceptors(CommandHeadersInterceptor, CommandETagInterceptor),
    ApiOperation({ summary: doc.summary, ...(doc.description !== undefined ? { description: doc.description } : {}) }),
    ApiConsumes('application/json'),
    ApiBody({ type: doc.body }),
    ApiCommandHeaders(),
    ApiCreatedResponse({
      type: CommandResultDto,
      description: 'Recorded',
      headers: ETAG_HEADER,
    }),
    ApiProblems(...[400, ...doc.errors, 412, 413, 415].sort((a, b) => a - b)),
  );

/** Route ids: a value that is not a slug names nothing that can exist, so it is a 404. */
export class SlugParamPipe implements PipeTransform<string, string> {
  constructor(private readonly kind: string) {}

  transform(value: string): string {
    if (!isSlug(value)) throw notFound(this.kind, value);
    return value;
  }
}

export const ApiSlugParam = (name: string, description: string): MethodDecorator =>
  ApiParam({ name, description, schema: { type: 'string', pattern: SLUG_PATTERN.source } });
