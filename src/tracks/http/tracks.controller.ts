import { Body, Controller, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../shared/event-store/handle-command.js';
import { ApiSlugParam, CommandRoute, SlugParamPipe } from '../../shared/http/command-route.js';
import { CommandCtx } from '../../shared/http/request-context.js';
import { EstablishTrackCommand } from '../application/establish-track.command.js';
import { RegisterAgencyCommand } from '../application/register-agency.command.js';
import { RegisterDelegateCommand } from '../application/register-delegate.command.js';
import { RegisterPartyCommand } from '../application/register-party.command.js';
import { EstablishTrackDto, RegisterAgencyDto, RegisterDelegateDto, RegisterPartyDto } from './track.dtos.js';

const track = new SlugParamPipe('track');

@ApiTags('tracks')
@Controller('tracks')
export class TracksController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @CommandRoute('', { summary: 'Establish a track (a standing dialogue)', body: EstablishTrackDto, errors: [409, 422] })
  establish(@Body() body: EstablishTrackDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new EstablishTrackCommand(body, context));
  }

  @CommandRoute(':trackId/parties', { summary: 'Register a party on the track', body: RegisterPartyDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  registerParty(@Param('trackId', track) trackId: string, @Body() body: RegisterPartyDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RegisterPartyCommand(trackId, body, context));
  }

  @CommandRoute(':trackId/agencies', { summary: 'Register an agency of a registered party', body: RegisterAgencyDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  registerAgency(@Param('trackId', track) trackId: string, @Body() body: RegisterAgencyDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RegisterAgencyCommand(trackId, body, context));
  }

  @CommandRoute(':trackId/delegates', { summary: 'Register a delegate of a party and one of its agencies', body: RegisterDelegateDto, errors: [404, 409, 422] })
  @ApiSlugParam('trackId', 'The track')
  registerDelegate(@Param('trackId', track) trackId: string, @Body() body: RegisterDelegateDto, @CommandCtx() context: CommandContext): Promise<CommandResult> {
    return this.commands.execute(new RegisterDelegateCommand(trackId, body, context));
  }
}
