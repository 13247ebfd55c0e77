/**
 * The OpenAPI operationId of every route, by controller and method: the names a client generator
 * turns into methods (`stateNormPosition`, not `NormsController_statePosition`). A route missing here
 * stops the document's creation with its name, so a new route cannot ship without one.
 */
const OPERATION_IDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  HealthController: { check: 'getHealth', ready: 'getReadiness' },
  TracksController: { establish: 'establishTrack', registerParty: 'registerParty', registerAgency: 'registerAgency', registerDelegate: 'registerDelegate' },
  SessionsController: {
    schedule: 'scheduleSession',
    reschedule: 'rescheduleSession',
    cancel: 'cancelSession',
    hold: 'recordSessionHeld',
    decide: 'recordSessionDecision',
    assign: 'assignActionItem',
    complete: 'completeActionItem',
    circulate: 'circulateMinutes',
    launchSilence: 'launchSilenceProcedure',
    breakSilence: 'recordSilenceBroken',
    adopt: 'adoptMinutes',
    correct: 'correctSessionRecord',
  },
  NormsController: {
    propose: 'proposeNorm',
    statePosition: 'stateNormPosition',
    decide: 'recordNormDecision',
    respond: 'recordCapitalResponse',
    withdraw: 'withdrawNorm',
    correct: 'correctNormRecord',
  },
  CbmsController: {
    propose: 'proposeCbm',
    statePosition: 'stateCbmPosition',
    decide: 'recordCbmDecision',
    withdraw: 'withdrawCbm',
    link: 'linkCbmToNorm',
    report: 'reportCbmImplementation',
    suspend: 'suspendCbm',
    resume: 'resumeCbm',
    correct: 'correctCbmRecord',
  },
  TopicsController: { open: 'openTopic', statePosition: 'stateTopicPosition', correct: 'correctTopicRecord' },
  AuditController: {
    events: 'listEvents',
    stream: 'getStream',
    verify: 'verifyLedger',
    checkpoint: 'createCheckpoint',
    checkpoints: 'listCheckpoints',
    publicKey: 'getPublicKey',
    bundle: 'exportBundle',
  },
  ReadModelsController: {
    tracks: 'listTracks',
    registry: 'getTrackRegistry',
    board: 'getBoard',
    matrix: 'getStanceMatrix',
    sessions: 'listTrackSessions',
    session: 'getSession',
    norm: 'getNorm',
    cbm: 'getCbm',
    topic: 'getTopic',
    rebuild: 'rebuildProjections',
  },
  BoardLiveController: { live: 'streamBoard' },
};

/** SwaggerModule's operationIdFactory. */
export const operationIdOf = (controllerKey: string, methodKey: string): string => {
  const id = OPERATION_IDS[controllerKey]?.[methodKey];
  if (id === undefined) throw new Error(`no OpenAPI operationId for ${controllerKey}.${methodKey}: add it to src/shared/http/operation-ids.ts`);
  return id;
};
