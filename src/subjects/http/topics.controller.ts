import { Body, Controller, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../shared/event-store/handle-command.js';
import { ApiSlugParam, CommandRoute, SlugParamPipe } from '../../shared/http/command-route.js';
import { CorrectRecordDto } from '../../shared/http/correction.dto.js';
import { CommandCtx } from '../../shared/http/request-context.js';
import { CorrectSubjectRecordCommand } from '../application/correct-subject-record.command.js';
import { OpenTopicCommand } from '../application/open-topic.command.js';
import { StatePositionCommand } from '../application/state-position.command.js';
import { OpenTopicDto, StatePositionDto } from './subject.dtos.js';

const track = new SlugParamPipe('track');
const topic = new SlugParamPipe('topic');

@ApiTags('topics')
@Controller()
export class TopicsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @CommandRoute('tracks/:trackId/topics', { summary: 'Open a topic (positions, no agreement status) on the track', body: OpenTopicDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  open(@Param('trackId', track) trackId: string, @Body() body: OpenTopicDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new OpenTopicCommand(trackId, body, context));
  }

  @CommandRoute('topics/:topicId/positions', { summary: "Record a party's position on the topic", body: StatePositionDto, errors: [404, 409, 422] })
  @ApiSlugParam('topicId', 'The topic')
  statePosition(@Param('topicId', topic) topicId: string, @Body() body: StatePositionDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new StatePositionCommand('topic', topicId, body, context));
  }

  @CommandRoute('topics/:topicId/corrections', { summary: 'Correct a record of the topic (a position, the opening)', body: CorrectRecordDto, errors: [404, 409, 422] })
  @ApiSlugParam('topicId', 'The topic')
  correct(@Param('topicId', topic) topicId: string, @Body() body: CorrectRecordDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new CorrectSubjectRecordCommand('topic', topicId, body, context));
  }
}
