import { Module } from '@nestjs/common';
import { commandDepsProvider } from '../shared/application/command-deps.js';
import { CorrectSubjectRecordHandler } from './application/correct-subject-record.command.js';
import { LinkCbmToNormHandler } from './application/link-cbm-to-norm.command.js';
import { OpenTopicHandler } from './application/open-topic.command.js';
import { ProposeCbmHandler } from './application/propose-cbm.command.js';
import { ProposeNormHandler } from './application/propose-norm.command.js';
import { RecordCapitalResponseHandler } from './application/record-capital-response.command.js';
import { RecordSubjectDecisionHandler } from './application/record-subject-decision.command.js';
import { ReportImplementationHandler } from './application/report-implementation.command.js';
import { ResumeCbmHandler } from './application/resume-cbm.command.js';
import { StatePositionHandler } from './application/state-position.command.js';
import { SuspendCbmHandler } from './application/suspend-cbm.command.js';
import { WithdrawSubjectHandler } from './application/withdraw-subject.command.js';
import { CbmsController } from './http/cbms.controller.js';
import { NormsController } from './http/norms.controller.js';
import { TopicsController } from './http/topics.controller.js';

@Module({
  controllers: [NormsController, CbmsController, TopicsController],
  providers: [
    commandDepsProvider,
    ProposeNormHandler,
    ProposeCbmHandler,
    OpenTopicHandler,
    StatePositionHandler,
    RecordSubjectDecisionHandler,
    RecordCapitalResponseHandler,
    WithdrawSubjectHandler,
    LinkCbmToNormHandler,
    ReportImplementationHandler,
    SuspendCbmHandler,
    ResumeCbmHandler,
    CorrectSubjectRecordHandler,
  ],
})
export class SubjectsModule {}
