import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound } from '../../shared/application/not-found.error.js';
import { ApiNoBody, ApiQueryProblems, ApiSlugParam, SlugParamPipe } from '../../shared/http/command-route.js';
import { EmptyBodyDto, NoQueryDto } from '../../shared/http/validation.js';
import { ReadModels } from '../application/read-models.service.js';
import { hasCut, type ResolvedCut } from '../projections/cut.js';
import type { SubjectKind } from '../projections/ledger-payloads.js';
import type { RebuildResult } from '../read-model/rebuild.js';
import { cutOf, CutQueryDto } from './cut-query.dto.js';
import {
  BOARD_EXAMPLE,
  CBM_EXAMPLE,
  MATRIX_EXAMPLE,
  NORM_EXAMPLE,
  REBUILD_EXAMPLE,
  REGISTRY_EXAMPLE,
  SESSION_EXAMPLE,
  SESSION_REGISTER_EXAMPLE,
  TOPIC_EXAMPLE,
  TRACKS_EXAMPLE,
} from './read-models.examples.js';
import {
  BoardDto,
  CbmDetailDto,
  MatrixDto,
  NormDetailDto,
  RebuildResultDto,
  RegistryDto,
  SessionDetailDto,
  SessionRegisterDto,
  TopicDetailDto,
  TrackListDto,
} from './read-models.schemas.js';
import { RawJsonInterceptor } from './raw-json.interceptor.js';

const track = new SlugParamPipe('track');
const session = new SlugParamPipe('session');
const norm = new SlugParamPipe('norm');
const cbm = new SlugParamPipe('cbm');
const topic = new SlugParamPipe('topic');

const CUT_NOTE =
  'Without `asOf`/`knownAt` the answer comes from the live read model. `asOf=D`: what was true on D (every correction known applied ab initio); ' +
  '`asOf=D&knownAt=D`: what the ledger said on D. Every answer reflects every command recorded before the query arrived (read your writes).';

const found = <T>(answer: T | null, kind: string, id: string, cut: ResolvedCut): T => {
  if (answer !== null) return answer;
  const under = hasCut(cut) ? ' under that cut' : '';
  throw notFound(kind, id, under);
};

const ok = (type: new () => object, example: unknown, description = 'The answer') => ApiOkResponse({ description, type, example });

@ApiTags('queries')
@Controller()
@UseInterceptors(RawJsonInterceptor)
export class ReadModelsController {
  constructor(@Inject(ReadModels) private readonly readModels: ReadModels) {}

  @Get('tracks')
  @ApiOperation({ summary: 'Every track', description: CUT_NOTE })
  @ok(TrackListDto, TRACKS_EXAMPLE, 'Every track, sorted by trackId')
  @ApiQueryProblems(400, 503)
  async tracks(@Query() query: CutQueryDto): Promise<unknown> {
    return (await this.readModels.settledQueries()).trackList(cutOf(query));
  }

  @Get('tracks/:trackId')
  @ApiOperation({ summary: 'The registry of a track: parties, agencies, delegates', description: CUT_NOTE })
  @ApiSlugParam('trackId', 'The track')
  @ok(RegistryDto, REGISTRY_EXAMPLE, 'The registry of the track')
  @ApiQueryProblems(400, 404, 503)
  async registry(@Param('trackId', track) trackId: string, @Query() query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.registry(trackId, cut), 'track', trackId, cut);
  }

  @Get('tracks/:trackId/board')
  @ApiOperation({
    summary: 'The norm-agreement board: one row per norm, CBM and topic',
    description: `${CUT_NOTE} With a cut the rows come from the bitemporal index, not from a refold of the track.`,
  })
  @ApiSlugParam('trackId', 'The track')
  @ok(BoardDto, BOARD_EXAMPLE, 'The board: one row per norm, CBM and topic')
  @ApiQueryProblems(400, 404, 503)
  async board(@Param('trackId', track) trackId: string, @Query() query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.board(trackId, cut), 'track', trackId, cut);
  }

  @Get('tracks/:trackId/matrix')
  @ApiOperation({ summary: 'The party × subject stance matrix (null: no stance yet)', description: CUT_NOTE })
  @ApiSlugParam('trackId', 'The track')
  @ok(MatrixDto, MATRIX_EXAMPLE, 'The stance matrix')
  @ApiQueryProblems(400, 404, 503)
  async matrix(@Param('trackId', track) trackId: string, @Query() query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.matrix(trackId, cut), 'track', trackId, cut);
  }

  @Get('tracks/:trackId/sessions')
  @ApiOperation({ summary: 'The session register of a track', description: `${CUT_NOTE} Action items are overdue when open and due before asOf, or before today without one.` })
  @ApiSlugParam('trackId', 'The track')
  @ok(SessionRegisterDto, SESSION_REGISTER_EXAMPLE, 'The session register')
  @ApiQueryProblems(400, 404, 503)
  async sessions(@Param('trackId', track) trackId: string, @Query() query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.sessionRegister(trackId, cut, this.readModels.today()), 'track', trackId, cut);
  }

  @Get('sessions/:sessionId')
  @ApiOperation({ summary: 'One session of the register', description: CUT_NOTE })
  @ApiSlugParam('sessionId', 'The session')
  @ok(SessionDetailDto, SESSION_EXAMPLE, 'The session')
  @ApiQueryProblems(400, 404, 503)
  async session(@Param('sessionId', session) sessionId: string, @Query() query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.sessionDetail(sessionId, cut, this.readModels.today()), 'session', sessionId, cut);
  }

  @Get('norms/:id')
  @ApiOperation({ summary: 'One norm: its board row, decisions, capital responses and history in effective order', description: CUT_NOTE })
  @ApiSlugParam('id', 'The norm')
  @ok(NormDetailDto, NORM_EXAMPLE, 'The norm')
  @ApiQueryProblems(400, 404, 503)
  norm(@Param('id', norm) id: string, @Query() query: CutQueryDto): Promise<unknown> {
    return this.subject('norm', id, query);
  }

  @Get('cbms/:id')
  @ApiOperation({ summary: 'One CBM: its board row, reports and history in effective order', description: CUT_NOTE })
  @ApiSlugParam('id', 'The CBM')
  @ok(CbmDetailDto, CBM_EXAMPLE, 'The CBM')
  @ApiQueryProblems(400, 404, 503)
  cbm(@Param('id', cbm) id: string, @Query() query: CutQueryDto): Promise<unknown> {
    return this.subject('cbm', id, query);
  }

  @Get('topics/:id')
  @ApiOperation({ summary: 'One topic: stances and history in effective order (no status)', description: CUT_NOTE })
  @ApiSlugParam('id', 'The topic')
  @ok(TopicDetailDto, TOPIC_EXAMPLE, 'The topic')
  @ApiQueryProblems(400, 404, 503)
  topic(@Param('id', topic) id: string, @Query() query: CutQueryDto): Promise<unknown> {
    return this.subject('topic', id, query);
  }

  private async subject(kind: SubjectKind, id: string, query: CutQueryDto): Promise<unknown> {
    const cut = cutOf(query);
    const queries = await this.readModels.settledQueries();
    return found(queries.subjectDetail(kind, id, cut), kind, id, cut);
  }

  @Post('projections/rebuild')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rebuild every read model from the log',
    description: 'Builds new read models into a new database while queries keep answering from the current one, then swaps them atomically.',
  })
  @ok(RebuildResultDto, REBUILD_EXAMPLE, 'Rebuilt: what was read and how long it took')
  @ApiNoBody()
  rebuild(@Body() _body: EmptyBodyDto, @Query() _query: NoQueryDto): Promise<RebuildResult> {
    return this.readModels.rebuild();
  }
}
