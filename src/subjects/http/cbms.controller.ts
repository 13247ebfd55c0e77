import { Body, Controller, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../shared/event-store/handle-command.js';
import { ApiSlugParam, CommandRoute, SlugParamPipe } from '../../shared/http/command-route.js';
import { CorrectRecordDto } from '../../shared/http/correction.dto.js';
import { CommandCtx } from '../../shared/http/request-context.js';
import { CorrectSubjectRecordCommand } from '../application/correct-subject-record.command.js';
import { LinkCbmToNormCommand } from '../application/link-cbm-to-norm.command.js';
import { ProposeCbmCommand } from '../application/propose-cbm.command.js';
import { RecordSubjectDecisionCommand } from '../application/record-subject-decision.command.js';
import { ReportImplementationCommand } from '../application/report-implementation.command.js';
import { ResumeCbmCommand } from '../application/resume-cbm.command.js';
import { StatePositionCommand } from '../application/state-position.command.js';
import { SuspendCbmCommand } from '../application/suspend-cbm.command.js';
import { WithdrawSubjectCommand } from '../application/withdraw-subject.command.js';
import { CbmDecisionDto, ImplementationReportDto, LinkCbmDto, ProposeCbmDto, StatePositionDto, SuspensionDto, WithdrawalDto } from './subject.dtos.js';

const track = new SlugParamPipe('track');
const cbm = new SlugParamPipe('cbm');

@ApiTags('cbms')
@Controller()
export class CbmsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @CommandRoute('tracks/:trackId/cbms', { summary: 'Propose a confidence-building measure on the track', body: ProposeCbmDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  propose(@Param('trackId', track) trackId: string, @Body() body: ProposeCbmDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new ProposeCbmCommand(trackId, body, context));
  }

  @CommandRoute('cbms/:cbmId/positions', { summary: "Record a party's position on the CBM", body: StatePositionDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  statePosition(@Param('cbmId', cbm) cbmId: string, @Body() body: StatePositionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new StatePositionCommand('cbm', cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/decisions', {
    summary: 'Record the decision to agree the CBM',
    description: 'Needs the CBM under discussion and consensus at that moment; 409 otherwise.',
    body: CbmDecisionDto,
    errors: [404, 409, 422],
  })
  @ApiSlugParam('cbmId', 'The CBM')
  decide(@Param('cbmId', cbm) cbmId: string, @Body() body: CbmDecisionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RecordSubjectDecisionCommand('cbm', cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/withdrawal', { summary: 'Record the withdrawal of the CBM by its proposers (before agreement)', body: WithdrawalDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  withdraw(@Param('cbmId', cbm) cbmId: string, @Body() body: WithdrawalDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new WithdrawSubjectCommand('cbm', cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/links', { summary: 'Link the CBM to a norm of the same track', body: LinkCbmDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  link(@Param('cbmId', cbm) cbmId: string, @Body() body: LinkCbmDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new LinkCbmToNormCommand(cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/implementation-reports', { summary: "Record a party's report on implementing the agreed CBM", body: ImplementationReportDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  report(@Param('cbmId', cbm) cbmId: string, @Body() body: ImplementationReportDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new ReportImplementationCommand(cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/suspension', { summary: 'Record the suspension of the CBM (while implementing or implemented)', body: SuspensionDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  suspend(@Param('cbmId', cbm) cbmId: string, @Body() body: SuspensionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new SuspendCbmCommand(cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/resumption', { summary: 'Record the resumption of a suspended CBM', body: SuspensionDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  resume(@Param('cbmId', cbm) cbmId: string, @Body() body: SuspensionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new ResumeCbmCommand(cbmId, body, context));
  }

  @CommandRoute('cbms/:cbmId/corrections', { summary: 'Correct a record of the CBM (a position, the proposal)', body: CorrectRecordDto, errors: [404, 409, 422] })
  @ApiSlugParam('cbmId', 'The CBM')
  correct(@Param('cbmId', cbm) cbmId: string, @Body() body: CorrectRecordDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CorrectSubjectRecordCommand('cbm', cbmId, body, context));
  }
}
