import { Body, Controller, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../shared/event-store/handle-command.js';
import { ApiSlugParam, CommandRoute, SlugParamPipe } from '../../shared/http/command-route.js';
import { CorrectRecordDto } from '../../shared/http/correction.dto.js';
import { CommandCtx } from '../../shared/http/request-context.js';
import { CorrectSubjectRecordCommand } from '../application/correct-subject-record.command.js';
import { ProposeNormCommand } from '../application/propose-norm.command.js';
import { RecordCapitalResponseCommand } from '../application/record-capital-response.command.js';
import { RecordSubjectDecisionCommand } from '../application/record-subject-decision.command.js';
import { StatePositionCommand } from '../application/state-position.command.js';
import { WithdrawSubjectCommand } from '../application/withdraw-subject.command.js';
import { CapitalResponseDto, NormDecisionDto, ProposeNormDto, StatePositionDto, WithdrawalDto } from './subject.dtos.js';

const track = new SlugParamPipe('track');
const norm = new SlugParamPipe('norm');

@ApiTags('norms')
@Controller()
export class NormsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @CommandRoute('tracks/:trackId/norms', { summary: 'Propose a norm on the track', body: ProposeNormDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  propose(@Param('trackId', track) trackId: string, @Body() body: ProposeNormDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new ProposeNormCommand(trackId, body, context));
  }

  @CommandRoute('norms/:normId/positions', { summary: "Record a party's position on the norm", body: StatePositionDto, errors: [404, 409, 422] })
  @ApiSlugParam('normId', 'The norm')
  statePosition(@Param('normId', norm) normId: string, @Body() body: StatePositionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new StatePositionCommand('norm', normId, body, context));
  }

  @CommandRoute('norms/:normId/decisions', {
    summary: 'Record the decision to agree the norm ad referendum',
    description: 'Needs the norm under discussion and consensus (no blocking party, at least one supports) at that moment; 409 otherwise.',
    body: NormDecisionDto,
    errors: [404, 409, 422],
  })
  @ApiSlugParam('normId', 'The norm')
  decide(@Param('normId', norm) normId: string, @Body() body: NormDecisionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RecordSubjectDecisionCommand('norm', normId, body, context));
  }

  @CommandRoute('norms/:normId/capital-responses', { summary: "Record a capital's confirmation or decline of a norm agreed ad referendum", body: CapitalResponseDto, errors: [404, 409, 422] })
  @ApiSlugParam('normId', 'The norm')
  respond(@Param('normId', norm) normId: string, @Body() body: CapitalResponseDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RecordCapitalResponseCommand(normId, body, context));
  }

  @CommandRoute('norms/:normId/withdrawal', { summary: 'Record the withdrawal of the norm by its proposers (before agreement)', body: WithdrawalDto, errors: [404, 409, 422] })
  @ApiSlugParam('normId', 'The norm')
  withdraw(@Param('normId', norm) normId: string, @Body() body: WithdrawalDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new WithdrawSubjectCommand('norm', normId, body, context));
  }

  @CommandRoute('norms/:normId/corrections', { summary: 'Correct a record of the norm (a position, the proposal)', body: CorrectRecordDto, errors: [404, 409, 422] })
  @ApiSlugParam('normId', 'The norm')
  correct(@Param('normId', norm) normId: string, @Body() body: CorrectRecordDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CorrectSubjectRecordCommand('norm', normId, body, context));
  }
}
