import { Module } from '@nestjs/common';
import { commandDepsProvider } from '../shared/application/command-deps.js';
import { AdoptMinutesHandler } from './application/adopt-minutes.command.js';
import { AssignActionItemHandler } from './application/assign-action-item.command.js';
import { BreakSilenceHandler } from './application/break-silence.command.js';
import { CancelSessionHandler } from './application/cancel-session.command.js';
import { CirculateMinutesHandler } from './application/circulate-minutes.command.js';
import { CompleteActionItemHandler } from './application/complete-action-item.command.js';
import { CorrectSessionRecordHandler } from './application/correct-session-record.command.js';
import { HoldSessionHandler } from './application/hold-session.command.js';
import { LaunchSilenceProcedureHandler } from './application/launch-silence-procedure.command.js';
import { RecordProceduralDecisionHandler } from './application/record-procedural-decision.command.js';
import { RescheduleSessionHandler } from './application/reschedule-session.command.js';
import { ScheduleSessionHandler } from './application/schedule-session.command.js';
import { SessionsController } from './http/sessions.controller.js';

@Module({
  controllers: [SessionsController],
  providers: [
    commandDepsProvider,
    ScheduleSessionHandler,
    RescheduleSessionHandler,
    CancelSessionHandler,
    HoldSessionHandler,
    RecordProceduralDecisionHandler,
    AssignActionItemHandler,
    CompleteActionItemHandler,
    CirculateMinutesHandler,
    LaunchSilenceProcedureHandler,
    BreakSilenceHandler,
    AdoptMinutesHandler,
    CorrectSessionRecordHandler,
  ],
})
export class SessionsModule {}
