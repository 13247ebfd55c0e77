import type { LedgerEvent } from '../../src/projections/projections/ledger-event.js';

/** When an event happened (valid time) and when it was recorded (transaction time). */
export interface When {
  /** effectiveOn; defaults to the builder's current day. */
  readonly on?: string;
  /** recordedAt; defaults to the current day, a second after the previous event. */
  readonly recordedAt?: string;
}

/**
 * Builds stored envelopes for projection tests: global positions and per-stream revisions are
 * assigned in append order; `today(D)` moves the recording clock, and `{on}` back-dates an event
 * to make a late entry (recorded after a date, effective before it).
 */
export class LedgerBuilder {
  readonly events: LedgerEvent[] = [];
  private day = '2026-01-01';
  private tick = 0;
  private readonly revisions = new Map<string, number>();

  today(day: string): this {
    this.day = day;
    this.tick = 0;
    return this;
  }

  append(streamId: string, type: string, data: Record<string, unknown>, when: When = {}): LedgerEvent {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.tick += 1;
    const position = String(this.events.length + 1);
    const recordedAt = when.recordedAt ?? `${this.day}T09:${String(Math.floor(this.tick / 60) % 60).padStart(2, '0')}:${String(this.tick % 60).padStart(2, '0')}.000Z`;
    const event: LedgerEvent = {
      streamId,
      revision,
      position,
      eventId: `ev-${position.padStart(4, '0')}`,
      type,
      data,
      metadata: { effectiveOn: when.on ?? this.day, recordedAt, schemaVersion: 1 },
    };
    this.events.push(event);
    return event;
  }

  track(trackId: string, name = `Track ${trackId}`, when?: When): LedgerEvent {
    return this.append(`track-${trackId}`, 'TrackEstablished', { trackId, name }, when);
  }
  party(trackId: string, partyId: string, when?: When): LedgerEvent {
    return this.append(`track-${trackId}`, 'PartyRegistered', { trackId, partyId, name: partyId.toUpperCase() }, when);
  }
  agency(trackId: string, agencyId: string, partyId: string, when?: When): LedgerEvent {
    return this.append(`track-${trackId}`, 'AgencyRegistered', { trackId, agencyId, partyId, name: agencyId }, when);
  }
  delegate(trackId: string, delegateId: string, partyId: string, agencyId: string, when?: When): LedgerEvent {
    return this.append(`track-${trackId}`, 'DelegateRegistered', { trackId, delegateId, partyId, agencyId }, when);
  }

  schedule(trackId: string, sessionId: string, number: number, scheduledFor: string, when?: When): LedgerEvent {
    return this.append(`session-${sessionId}`, 'SessionScheduled', { trackId, sessionId, number, place: 'Geneva', scheduledFor }, when);
  }
  held(sessionId: string, heldOn: string, attendance: Record<string, string[]>, extra: Record<string, unknown> = {}, when?: When): LedgerEvent {
    return this.append(
      `session-${sessionId}`,
      'SessionHeld',
      { sessionId, heldOn, place: 'Geneva', agenda: [{ itemId: 'item-1', title: 'Norms' }], attendance, ...extra },
      { on: heldOn, ...when },
    );
  }
  session(sessionId: string, type: string, data: Record<string, unknown> = {}, when?: When): LedgerEvent {
    return this.append(`session-${sessionId}`, type, { sessionId, ...data }, when);
  }

  norm(trackId: string, normId: string, extra: Record<string, unknown> = {}, when?: When): LedgerEvent {
    return this.append(`norm-${normId}`, 'NormProposed', { trackId, normId, title: `Norm ${normId}`, summary: 's', proposedBy: ['us'], ...extra }, when);
  }
  cbm(trackId: string, cbmId: string, extra: Record<string, unknown> = {}, when?: When): LedgerEvent {
    return this.append(`cbm-${cbmId}`, 'CbmProposed', { trackId, cbmId, title: `CBM ${cbmId}`, proposedBy: ['us'], ...extra }, when);
  }
  topic(trackId: string, topicId: string, when?: When): LedgerEvent {
    return this.append(`topic-${topicId}`, 'TopicOpened', { trackId, topicId, title: `Topic ${topicId}` }, when);
  }

  /** `subject`: 'norm-x', 'cbm-y' or 'topic-z'. */
  position(subject: string, statementId: string, partyId: string, stance: string, extra: Record<string, unknown> = {}, when?: When): LedgerEvent {
    return this.append(
      subject,
      'PositionStated',
      { ...this.subjectKey(subject), statementId, partyId, stance, text: `${partyId} ${stance}`, channel: 'oral', ...extra },
      when,
    );
  }
  decision(subject: string, decisionId: string, sessionId: string, when?: When): LedgerEvent {
    const kind = subject.startsWith('norm-') ? 'agree_ad_referendum' : 'agree_cbm';
    return this.append(subject, 'DecisionRecorded', { ...this.subjectKey(subject), decisionId, kind, sessionId }, when);
  }
  capital(normId: string, responseId: string, partyId: string, response: 'confirmed' | 'declined', when?: When): LedgerEvent {
    return this.append(`norm-${normId}`, 'CapitalResponseRecorded', { normId, responseId, partyId, response }, when);
  }
  subjectEvent(subject: string, type: string, data: Record<string, unknown>, when?: When): LedgerEvent {
    return this.append(subject, type, { ...this.subjectKey(subject), ...data }, when);
  }
  correct(
    streamId: string,
    correctionId: string,
    target: { eventId: string } | { statementId: string },
    changes: Array<{ field: string; from: unknown; to: unknown }>,
    when?: When,
  ): LedgerEvent {
    const key = streamId.startsWith('session-') ? { sessionId: streamId.slice('session-'.length) } : this.subjectKey(streamId);
    return this.append(streamId, 'RecordCorrected', { ...key, correctionId, target, changes, reason: 'typo', requestedBy: 'secretariat' }, when);
  }

  private subjectKey(subject: string): Record<string, string> {
    const dash = subject.indexOf('-');
    return { [`${subject.slice(0, dash)}Id`]: subject.slice(dash + 1) };
  }
}

/** Two parties (registered us first, so sorting shows), an agency and a delegate each, one session held on 2026-03-10. */
export const seededTrack = (): LedgerBuilder => {
  const ledger = new LedgerBuilder().today('2026-01-05');
  ledger.track('seg');
  ledger.party('seg', 'us');
  ledger.party('seg', 'cn');
  ledger.agency('seg', 'us-dos', 'us');
  ledger.agency('seg', 'cn-mfa', 'cn');
  ledger.delegate('seg', 'us-smith', 'us', 'us-dos');
  ledger.delegate('seg', 'cn-li', 'cn', 'cn-mfa');
  ledger.schedule('seg', 's1', 1, '2026-03-10');
  ledger.today('2026-03-10');
  ledger.held('s1', '2026-03-10', { us: ['us-smith'], cn: ['cn-li'] });
  return ledger;
};
