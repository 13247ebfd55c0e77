import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MESSAGES } from '../../shared/http/validators.js';
import { DEFAULT_PAGE, MAX_PAGE } from '../application/read-events.query.js';

export class ReadEventsQueryDto {
  @ApiPropertyOptional({ description: 'Exclusive: events after this position (decimal string); omitted: from the start', example: '0' })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,15})$/, { message: 'must be a position: a decimal integer, e.g. the `next` of the previous page' })
  readonly after?: string;

  @ApiPropertyOptional({ description: `Page size, 1 to ${MAX_PAGE} (default ${DEFAULT_PAGE}); ignored when streaming NDJSON`, example: DEFAULT_PAGE, type: 'integer', minimum: 1, maximum: MAX_PAGE })
  @IsOptional()
  // Plain decimal digits only: Number() would also take '1e2', '0x10' or ' 10'.
  @Transform(({ value }) => (typeof value === 'string' && /^[1-9]\d{0,6}$/.test(value) ? Number(value) : value))
  @IsInt({ message: MESSAGES.integer(1, MAX_PAGE) })
  @Min(1, { message: MESSAGES.integer(1, MAX_PAGE) })
  @Max(MAX_PAGE, { message: MESSAGES.integer(1, MAX_PAGE) })
  readonly limit?: number;

  @ApiPropertyOptional({ description: 'Only this stream, e.g. norm-gge-13i', example: 'norm-gge-13i' })
  @IsOptional()
  @IsString({ message: MESSAGES.string })
  @MaxLength(200, { message: MESSAGES.maxLength(200) })
  readonly streamId?: string;

  @ApiPropertyOptional({ description: 'Only events of this type, e.g. PositionStated', example: 'PositionStated' })
  @IsOptional()
  @IsString({ message: MESSAGES.string })
  @MaxLength(128, { message: MESSAGES.maxLength(128) })
  readonly type?: string;
}
