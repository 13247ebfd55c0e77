import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MESSAGES, SingleValued } from '../../shared/http/validators.js';
import { DEFAULT_PAGE, MAX_PAGE } from '../application/read-events.query.js';
import { CommandResultDto } from '../../shared/http/command-route.js';
import { GGE_13I_PROPOSED, usStatement } from '../../shared/http/story-examples.js';

export class ReadEventsQueryDto {
  @ApiPropertyOptional({ description: 'Exclusive: events after this position (decimal string); omitted: from the start', example: '0', pattern: '^(0|[1-9][0-9]{0,15})$' })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,15})$/, { message: 'must be a position: a decimal integer, e.g. the `next` of the previous page' })
  @SingleValued()
  readonly after?: string;

  @ApiPropertyOptional({ description: `Page size, 1 to ${MAX_PAGE} (default ${DEFAULT_PAGE}); ignored when streaming NDJSON`, example: DEFAULT_PAGE, type: 'integer', minimum: 1, maximum: MAX_PAGE })
  @IsOptional()
  // Plain decimal digits only (leading zeros allowed, as for any integer): Number() would also take '1e2', '0x10' or ' 10'.
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value))
  @IsInt({ message: MESSAGES.integer(1, MAX_PAGE) })
  @Min(1, { message: MESSAGES.integer(1, MAX_PAGE) })
  @Max(MAX_PAGE, { message: MESSAGES.integer(1, MAX_PAGE) })
  @SingleValued()
  readonly limit?: number;

  // No example on the filters: Swagger UI would send them, and the page would hold only that stream or type.
  @ApiPropertyOptional({ description: 'Only this stream, e.g. norm-gge-13i', maxLength: 200 })
  @IsOptional()
  @IsString({ message: MESSAGES.string })
  @MaxLength(200, { message: MESSAGES.maxLength(200) })
  @SingleValued()
  readonly streamId?: string;

  @ApiPropertyOptional({ description: 'Only events of this type, e.g. PositionStated', maxLength: 128 })
  @IsOptional()
  @IsString({ message: MESSAGES.string })
  @MaxLength(128, { message: MESSAGES.maxLength(128) })
  @SingleValued()
  readonly type?: string;
}

const SHA256_HEX = { type: String, pattern: '^[0-9a-f]{64}$' } as const;

export class LedgerMetadataDto {
  @ApiProperty({ type: 'integer', example: 1 }) readonly schemaVersion!: number;
  @ApiProperty({ format: 'date', description: 'Valid time: the day it happened', example: '2026-03-12' }) readonly effectiveOn!: string;
  @ApiProperty({ format: 'date-time', description: 'Transaction time: the server clock at append (UTC, ms)', example: '2026-03-12T15:30:16.982Z' }) readonly recordedAt!: string;
  @ApiProperty({ description: 'The principal that recorded it', example: 'clerk' }) readonly recordedBy!: string;
  @ApiProperty() readonly correlationId!: string;
  @ApiProperty() readonly causationId!: string;
  @ApiPropertyOptional({ description: 'When the command carried one' }) readonly idempotencyKey?: string;
  @ApiProperty({ ...SHA256_HEX, description: 'The hash of the previous revision of the stream (64 zeros at revision 0)' }) readonly prevHash!: string;
  @ApiProperty({ ...SHA256_HEX, description: 'SHA-256 of the JCS of {streamId, revision, eventId, type, data, metadata without hash}' }) readonly hash!: string;
}

/** One event as stored: the envelope of DESIGN.md §3. */
export class EventEnvelopeDto {
  @ApiProperty({ example: 'norm-gge-13i' }) readonly streamId!: string;
  @ApiProperty({ type: 'integer', description: '0-based, per stream' }) readonly revision!: number;
  @ApiProperty({ description: 'Global order, a decimal string' }) readonly position!: string;
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
  @ApiProperty({ example: 'PositionStated' }) readonly type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload as recorded (corrections are later events, never edits)' }) readonly data!: Record<string, unknown>;
  @ApiProperty({ type: LedgerMetadataDto }) readonly metadata!: LedgerMetadataDto;
}

export class EventsPageDto {
  @ApiProperty({ type: [EventEnvelopeDto], description: 'In global order' }) readonly events!: EventEnvelopeDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The `after` of the following page; null when this page reached the end' }) readonly next!: string | null;
}

export class ChainProblemDto {
  @ApiProperty({ type: String, nullable: true }) readonly streamId!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) readonly revision!: number | null;
  @ApiProperty({ type: String, nullable: true }) readonly eventId!: string | null;
  @ApiPropertyOptional() readonly position?: string;
  @ApiProperty({ description: 'What broke, e.g. hash-mismatch, broken-link, revision-gap, bad-root, bad-signature', example: 'hash-mismatch' }) readonly problem!: string;
  @ApiProperty() readonly detail!: string;
}

@ApiExtraModels(ChainProblemDto)
export class StreamWithChainDto {
  @ApiProperty({ example: 'norm-gge-13i' }) readonly streamId!: string;
  @ApiProperty({ type: 'integer', description: 'The last revision' }) readonly revision!: number;
  @ApiProperty({ type: [EventEnvelopeDto] }) readonly events!: EventEnvelopeDto[];
  @ApiProperty({ description: "The stream's own chain: {ok, problems} (checkpoints need the whole log: POST /audit/verify)", type: 'object', properties: { ok: { type: 'boolean' }, problems: { type: 'array', items: { $ref: getSchemaPath(ChainProblemDto) } } } })
  readonly chain!: { ok: boolean; problems: ChainProblemDto[] };
}

export class VerificationReportDto {
  @ApiProperty() readonly ok!: boolean;
  @ApiProperty({ type: 'integer' }) readonly eventsChecked!: number;
  @ApiProperty({ type: 'integer' }) readonly streamsChecked!: number;
  @ApiProperty({ type: 'integer' }) readonly checkpointsChecked!: number;
  @ApiProperty({ type: [ChainProblemDto] }) readonly problems!: ChainProblemDto[];
  @ApiPropertyOptional({ type: 'integer', description: 'Problems found beyond those listed' }) readonly problemsOmitted?: number;
  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: '135',
    description:
      'The signed coverage: upTo of the last checkpoint whose root, counts and signature hold (null when none does). ' +
      'Events after it, and the deletion of that checkpoint itself, cannot be detected without a checkpoint kept elsewhere',
  })
  readonly signedUpTo?: string | null;
  @ApiPropertyOptional({ type: 'integer', example: 2, description: 'Events (checkpoints not counted) after signedUpTo, covered by no checkpoint' })
  readonly unsignedEvents?: number;
}

/** The data of a CheckpointIssued event (DESIGN.md §6). */
export class CheckpointDataDto {
  @ApiProperty({ description: 'Position of the last event covered, a decimal string', example: '37' }) readonly upTo!: string;
  @ApiProperty({ type: 'integer', description: 'Events at or before upTo, checkpoints excluded', example: 37 }) readonly eventCount!: number;
  @ApiProperty({ type: 'integer', description: 'Streams at or before upTo, ledger-checkpoints excluded', example: 5 }) readonly streamCount!: number;
  @ApiProperty({ ...SHA256_HEX, description: 'RFC 6962 Merkle tree hash over one leaf per stream' }) readonly root!: string;
  @ApiProperty({ format: 'date-time' }) readonly issuedAt!: string;
  @ApiProperty({ description: 'First 16 hex digits of SHA-256 of the public key SPKI DER', example: 'c49c27ed848bea23' }) readonly keyId!: string;
  @ApiProperty({ description: 'Base64 Ed25519 signature over the JCS of the other six fields' }) readonly signature!: string;
}

export class CheckpointListingDto extends CheckpointDataDto {
  @ApiProperty({ description: 'Position of the CheckpointIssued event' }) readonly position!: string;
  @ApiProperty({ type: 'integer' }) readonly revision!: number;
  @ApiProperty({ format: 'uuid' }) readonly eventId!: string;
  @ApiProperty({ format: 'date-time' }) readonly recordedAt!: string;
}

export class CheckpointListDto {
  @ApiProperty({ type: [CheckpointListingDto], description: 'Oldest first; [] before the first' }) readonly checkpoints!: CheckpointListingDto[];
}

export class IssuedCheckpointDto extends CommandResultDto {
  @ApiProperty({ type: CheckpointDataDto, description: 'The checkpoint this request recorded (one every time, also when nothing changed since the last: it then covers the same tree, signed at a later issuedAt)' }) readonly checkpoint!: CheckpointDataDto;
}

export class PublicKeyDto {
  @ApiProperty({ example: 'c49c27ed848bea23' }) readonly keyId!: string;
  @ApiProperty({ type: String, enum: ['Ed25519'] }) readonly algorithm!: 'Ed25519';
  @ApiProperty({ description: 'Base64 of the SubjectPublicKeyInfo DER bytes', example: 'MCowBQYDK2VwAyEAZSjZUOV8vUoc6pqmsEfXdy1kV7Ov9czIGBPPDAzJj6I=' }) readonly spki!: string;
}

const ENVELOPE_EXAMPLE = {
  streamId: 'norm-gge-13i',
  revision: 1,
  position: '16',
  eventId: '6a5d19bd-bffb-4bf8-96cc-493575a50ce0',
  type: 'PositionStated',
  data: usStatement({ normId: 'gge-13i' }),
  metadata: {
    causationId: 'e3189f3a-dee0-4928-8d91-8ef2f6d03f25',
    correlationId: 'e3189f3a-dee0-4928-8d91-8ef2f6d03f25',
    effectiveOn: '2026-03-12',
    hash: 'a2eb55d59978f7bdf0962b8e04afd7c15187cc51c977cd9d3ed53c2850c742dd',
    prevHash: '797c122a141c48bf940fb26642fcbc58fc400e3ca6e8f86967ec1269fbc8bb85',
    recordedAt: '2026-04-21T10:00:16.000Z',
    recordedBy: 'clerk',
    schemaVersion: 1,
  },
};

/** The same stream's revision 0, whose hash the example above links to. */
const PROPOSED_EXAMPLE = {
  streamId: 'norm-gge-13i',
  revision: 0,
  position: '13',
  eventId: '1023f4e7-a19c-410a-869d-26de4c38191e',
  type: 'NormProposed',
  data: GGE_13I_PROPOSED,
  metadata: {
    causationId: '0b9a3c5d-8e2f-4a71-b6c4-2d5e7f9a1c3b',
    correlationId: '0b9a3c5d-8e2f-4a71-b6c4-2d5e7f9a1c3b',
    effectiveOn: '2026-03-12',
    hash: ENVELOPE_EXAMPLE.metadata.prevHash,
    prevHash: '0'.repeat(64),
    recordedAt: '2026-04-21T10:00:13.000Z',
    recordedBy: 'clerk',
    schemaVersion: 1,
  },
};

export const EVENTS_PAGE_EXAMPLE = { events: [ENVELOPE_EXAMPLE], next: '16' };

export const PUBLIC_KEY_EXAMPLE = { keyId: 'c49c27ed848bea23', algorithm: 'Ed25519', spki: 'MCowBQYDK2VwAyEAZSjZUOV8vUoc6pqmsEfXdy1kV7Ov9czIGBPPDAzJj6I=' };

const CHECKPOINT_DATA_EXAMPLE = {
  eventCount: 37,
  issuedAt: '2026-04-22T10:00:00.052Z',
  keyId: 'c49c27ed848bea23',
  root: '9ddc657f0689ee25b79ded7e64d404709d46f999600f8b6337738060f0970147',
  signature: 'B7hQ0KJRouiY3IL4hqJPGTGUycpzfyOdwZ2vKf2pdz3/cKuCZ4wAU5pWHtKNMnIAb0UOKAHIeYJtXZj8M7zSAA==',
  streamCount: 5,
  upTo: '37',
};

export const CHECKPOINTS_EXAMPLE = { checkpoints: [{ ...CHECKPOINT_DATA_EXAMPLE, position: '38', revision: 0, eventId: '596b44be-e1e3-4630-b9fe-c2c062869233', recordedAt: '2026-04-22T10:00:00.053Z' }] };

export const ISSUED_CHECKPOINT_EXAMPLE = {
  streamId: 'ledger-checkpoints',
  revision: 0,
  position: '38',
  recordedAt: '2026-04-22T10:00:00.053Z',
  events: [{ eventId: '596b44be-e1e3-4630-b9fe-c2c062869233', type: 'CheckpointIssued', revision: 0 }],
  checkpoint: CHECKPOINT_DATA_EXAMPLE,
};

export const VERIFICATION_EXAMPLE = { ok: true, eventsChecked: 38, streamsChecked: 6, checkpointsChecked: 1, signedUpTo: '37', unsignedEvents: 0, problems: [] };

export const STREAM_EXAMPLE = { streamId: 'norm-gge-13i', revision: 1, events: [PROPOSED_EXAMPLE, ENVELOPE_EXAMPLE], chain: { ok: true, problems: [] } };

/** NDJSON: one envelope per line, as GET /audit/events (Accept: application/x-ndjson) and GET /audit/bundle send them. */
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

export const EVENTS_NDJSON_EXAMPLE = line(ENVELOPE_EXAMPLE);

export const BUNDLE_EXAMPLE = `${line(ENVELOPE_EXAMPLE)}${line({ publicKey: PUBLIC_KEY_EXAMPLE })}`;
