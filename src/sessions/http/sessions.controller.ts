import { Body, Controller, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../shared/event-store/handle-command.js';
import { ApiSlugParam, CommandRoute, SlugParamPipe } from '../../shared/http/command-route.js';
import { CorrectRecordDto } from '../../shared/http/correction.dto.js';
import { CommandCtx } from '../../shared/http/request-context.js';
import { AdoptMinutesCommand } from '../application/adopt-minutes.command.js';
import { AssignActionItemCommand } from '../application/assign-action-item.command.js';
import { BreakSilenceCommand } from '../application/break-silence.command.js';
import { CancelSessionCommand } from '../application/cancel-session.command.js';
import { CirculateMinutesCommand } from '../application/circulate-minutes.command.js';
import { CompleteActionItemCommand } from '../application/complete-action-item.command.js';
import { CorrectSessionRecordCommand } from '../application/correct-session-record.command.js';
import { HoldSessionCommand } from '../application/hold-session.command.js';
import { LaunchSilenceProcedureCommand } from '../application/launch-silence-procedure.command.js';
import { RecordProceduralDecisionCommand } from '../application/record-procedural-decision.command.js';
import { RescheduleSessionCommand } from '../application/reschedule-session.command.js';
import { ScheduleSessionCommand } from '../application/schedule-session.command.js';
import {
  AdoptMinutesDto,
  AssignActionItemDto,
  BreakSilenceDto,
  CancelSessionDto,
  CirculateMinutesDto,
  CompleteActionItemDto,
  HoldSessionDto,
  LaunchSilenceProcedureDto,
  RecordProceduralDecisionDto,
  RescheduleSessionDto,
  ScheduleSessionDto,
} from './session.dtos.js';

const track = new SlugParamPipe('track');
const session = new SlugParamPipe('session');
const actionItem = new SlugParamPipe('action item');

@ApiTags('sessions')
@Controller()
export class SessionsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @CommandRoute('tracks/:trackId/sessions', { summary: 'Schedule a session of the track', body: ScheduleSessionDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  schedule(@Param('trackId', track) trackId: string, @Body() body: ScheduleSessionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new ScheduleSessionCommand(trackId, body, context));
  }

  @CommandRoute('sessions/:sessionId/reschedule', { summary: 'Move a scheduled session to another day', body: RescheduleSessionDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  reschedule(@Param('sessionId', session) sessionId: string, @Body() body: RescheduleSessionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RescheduleSessionCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/cancel', { summary: 'Cancel a scheduled session', body: CancelSessionDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  cancel(@Param('sessionId', session) sessionId: string, @Body() body: CancelSessionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CancelSessionCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/held', {
    summary: 'Record that the session was held: day, place, agenda, attendance, heads of delegation',
    description: 'The agenda given here replaces the provisional agenda for every later reference (agendaItemId) to this session.',
    body: HoldSessionDto,
    errors: [404, 409, 422],
  })
  @ApiSlugParam('sessionId', 'The session')
  hold(@Param('sessionId', session) sessionId: string, @Body() body: HoldSessionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new HoldSessionCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/decisions', { summary: 'Record a procedural decision taken at the session', body: RecordProceduralDecisionDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  decide(@Param('sessionId', session) sessionId: string, @Body() body: RecordProceduralDecisionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RecordProceduralDecisionCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/action-items', { summary: 'Assign an action item at the session', body: AssignActionItemDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  assign(@Param('sessionId', session) sessionId: string, @Body() body: AssignActionItemDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new AssignActionItemCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/action-items/:actionItemId/complete', { summary: 'Record an action item as completed', body: CompleteActionItemDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  @ApiSlugParam('actionItemId', 'The action item')
  complete(
    @Param('sessionId', session) sessionId: string,
    @Param('actionItemId', actionItem) actionItemId: string,
    @Body() body: CompleteActionItemDto,
    @CommandCtx() context: CommandContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CompleteActionItemCommand(sessionId, actionItemId, body, context));
  }

  @CommandRoute('sessions/:sessionId/minutes/circulate', { summary: "Record that the session's minutes were circulated", body: CirculateMinutesDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  circulate(@Param('sessionId', session) sessionId: string, @Body() body: CirculateMinutesDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CirculateMinutesCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/minutes/silence-procedure', { summary: 'Launch a silence procedure on the circulated minutes', body: LaunchSilenceProcedureDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  launchSilence(@Param('sessionId', session) sessionId: string, @Body() body: LaunchSilenceProcedureDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new LaunchSilenceProcedureCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/minutes/silence-broken', { summary: 'Record that a party broke the silence', body: BreakSilenceDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  breakSilence(@Param('sessionId', session) sessionId: string, @Body() body: BreakSilenceDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new BreakSilenceCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/minutes/adopt', { summary: "Record the adoption of the session's minutes (in session or by silence)", body: AdoptMinutesDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  adopt(@Param('sessionId', session) sessionId: string, @Body() body: AdoptMinutesDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new AdoptMinutesCommand(sessionId, body, context));
  }

  @CommandRoute('sessions/:sessionId/corrections', { summary: 'Correct a record of the session (attendance, heldOn, place, heads of delegation)', body: CorrectRecordDto, errors: [404, 409, 422] })
  @ApiSlugParam('sessionId', 'The session')
  correct(@Param('sessionId', session) sessionId: string, @Body() body: CorrectRecordDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CorrectSessionRecordCommand(sessionId, body, context));
  }
}
