import { type CorrectableRecord, type FieldChange, replayCorrection } from '../../shared/domain/corrections.js';

/**
 * The statements made at one session, with their party and delegate as corrected: what an
 * attendance correction must keep true (DESIGN §4: a delegate who states a position attended the
 * session). Built from the PositionStated and RecordCorrected events of the subject streams, in the
 * order they were recorded, each correction replayed as the folds replay it.
 */
export interface StatementAtSession {
  readonly streamId: string;
  readonly statementId: string;
  readonly partyId: string;
  /** undefined when the statement names no delegate (or a correction removed it). */
  readonly delegateId: string | undefined;
}

export interface SubjectStreamEvent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Folds the events one by one, keeping only the statements made at `sessionId` (a statement's
 * sessionId cannot be corrected, DESIGN §5), so a scan of a large log holds little.
 */
export class StatementsAtSession {
  private readonly records = new Map<string, { readonly streamId: string; record: CorrectableRecord }>();
  private readonly byStatementId = new Map<string, string>();

  constructor(private readonly sessionId: string) {}

  add(event: SubjectStreamEvent): void {
    if (event.type === 'PositionStated') {
      const statementId = text(event.data['statementId']);
      if (statementId === undefined || event.data['sessionId'] !== this.sessionId) return;
      this.records.set(key(event.streamId, event.eventId), { streamId: event.streamId, record: { eventId: event.eventId, type: event.type, data: event.data, effectiveOn: '' } });
      this.byStatementId.set(key(event.streamId, statementId), event.eventId);
    } else if (event.type === 'RecordCorrected') {
      const { target, changes } = event.data as { target?: { eventId?: unknown; statementId?: unknown }; changes?: readonly FieldChange[] };
      const eventId = typeof target?.statementId === 'string' ? this.byStatementId.get(key(event.streamId, target.statementId)) : text(target?.eventId);
      const found = eventId === undefined ? undefined : this.records.get(key(event.streamId, eventId));
      // Corrected as the folds correct a record (replayCorrection).
      if (found !== undefined && Array.isArray(changes)) found.record = replayCorrection(found.record, changes);
    }
  }

  get statements(): StatementAtSession[] {
    const found: StatementAtSession[] = [];
    for (const { streamId, record: { data } } of this.records.values()) {
      const partyId = text(data['partyId']);
      if (partyId !== undefined) found.push({ streamId, statementId: String(data['statementId']), partyId, delegateId: text(data['delegateId']) });
    }
    return found;
  }
}

const key = (streamId: string, id: string): string => `${streamId}\u0000${id}`;
