import { Module } from '@nestjs/common';
import { commandDepsProvider } from '../shared/application/command-deps.js';
import { EstablishTrackHandler } from './application/establish-track.command.js';
import { RegisterAgencyHandler } from './application/register-agency.command.js';
import { RegisterDelegateHandler } from './application/register-delegate.command.js';
import { RegisterPartyHandler } from './application/register-party.command.js';
import { TracksController } from './http/tracks.controller.js';

@Module({
  controllers: [TracksController],
  providers: [commandDepsProvider, EstablishTrackHandler, RegisterPartyHandler, RegisterAgencyHandler, RegisterDelegateHandler],
})
export class TracksModule {}
