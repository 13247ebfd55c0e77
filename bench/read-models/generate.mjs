// A synthetic ledger for the read-model bench: TRACKS tracks × SUBJECTS subjects, parties cn and
// us, ten sessions (twice a year over five years), positions stated at sessions, a few % late
// written statements (recorded at a session, effective at the one before), corrections of earlier
// statements, agreements ad referendum with capital responses (some declined), CBMs with reports.
//
// Envelopes are sealed exactly as the write path seals them (per-stream hash chain over JCS) and
// inserted straight into the event store's schema, 20,000 per transaction, synchronous OFF. The
// file is cached under os.tmpdir() keyed by GENERATOR_VERSION and the event count, so only the
// first run pays for it.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, cachedStore, closeStore, drawing, importDist, rng } from '../lib/bench-kit.mjs';

export const GENERATOR_VERSION = 4;
export const TRACK_COUNT = 20;
export const PARTIES = ['cn', 'us'];
const SESSIONS = 10;
const STANCES = ['supports', 'supports', 'supports', 'conditional', 'reserves', 'opposes', 'abstains'];
const WORDS =
  'states should not conduct or knowingly support ICT activity contrary to their obligations under international law that intentionally damages critical infrastructure or otherwise impairs the use and operation of critical infrastructure to provide services to the public and should respond to appropriate requests for assistance by another state whose critical infrastructure is subject to malicious ICT acts'.split(
    ' ',
  );


export const storeFileFor = (events) => join(tmpdir(), `norms-bench-read-models-v${GENERATOR_VERSION}-${events}.sqlite`);

/** Session dates: 15 March and 15 October, 2021 to 2025. */
export const sessionDates = Array.from({ length: SESSIONS }, (_, i) => `${2021 + (i >> 1)}-${i % 2 === 0 ? '03' : '10'}-15`);

export const trackIds = Array.from({ length: TRACK_COUNT }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);

/**
 * Generates (or reuses) the store; returns its path. `subjectsPerTrack` scales with the event
 * count (500 at 1M), so the quick store has the same shape, ten times smaller.
 */
export const ensureStore = (events, log = console.log) => cachedStore(storeFileFor(events), (partial) => writeStore(partial, events, log));

const writeStore = async (partial, events, log) => {
  const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
  const { computeEventHash, GENESIS_HASH } = await importDist('shared/event-store/envelope.js');
  const store = new SqliteEventStore({ file: partial });
  const db = store.database;
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const random = rng(20260201);
  const { pick, words: text } = drawing(random, WORDS);

  const heads = new Map();
  let buffer = [];
  let written = 0;
  let clock = Date.parse('2021-01-10T09:00:00.000Z');
  const flushBatch = db.transaction((rows) => {
    for (const row of rows) insert.run(row[0], row[1], row[2], row[3], row[4], row[5]);
  });
  const flush = () => {
    flushBatch(buffer);
    buffer = [];
  };
  /** Seals and queues one event; recordedAt never goes backwards. */
  const emit = (streamId, type, data, effectiveOn, recordedAt) => {
    if (written >= events) return null;
    const at = Math.max(clock + 37, Date.parse(recordedAt));
    clock = at;
    const head = heads.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
    const revision = head.revision + 1;
    const eventId = randomUUID();
    const metadata = {
      schemaVersion: 1,
      effectiveOn,
      recordedAt: new Date(at).toISOString(),
      recordedBy: 'clerk@secretariat.example',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      prevHash: head.hash,
    };
    metadata.hash = computeEventHash({ streamId, revision, eventId, type, data, metadata });
    heads.set(streamId, { revision, hash: metadata.hash });
    buffer.push([streamId, revision, eventId, type, JSON.stringify(data), JSON.stringify(metadata)]);
    written++;
    if (buffer.length >= 20_000) {
      flush();
      if (written % 200_000 === 0) log(`#   generated ${written.toLocaleString('en-US')} events`);
    }
    return eventId;
  };

  const subjectsPerTrack = Math.max(10, Math.round(events / 2000));
  const kinds = (i) => (i % 10 < 6 ? 'norm' : i % 10 < 9 ? 'cbm' : 'topic');
  const tracks = trackIds.map((trackId) => ({ trackId, subjects: [] }));
  const at = (day, hour = 9) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

  for (const { trackId } of tracks) {
    const day = '2021-01-10';
    emit(`track-${trackId}`, 'TrackEstablished', { trackId, name: `Synthetic track ${trackId} on ICT security (SYNTHETIC)`, mandateRef: `A/RES/${70 + Number(trackId.slice(1))}/237`, cadence: 'biannual' }, day, at(day));
    for (const partyId of PARTIES) {
      emit(`track-${trackId}`, 'PartyRegistered', { trackId, partyId, name: partyId === 'cn' ? 'China' : 'United States' }, day, at(day));
      for (const agency of ['mfa', 'mod']) {
        const agencyId = `${trackId}-${partyId}-${agency}`;
        emit(`track-${trackId}`, 'AgencyRegistered', { trackId, agencyId, partyId, name: `${partyId.toUpperCase()} ${agency.toUpperCase()}` }, day, at(day));
        for (let d = 1; d <= 2; d++) {
          emit(`track-${trackId}`, 'DelegateRegistered', { trackId, delegateId: `${agencyId}-d${d}`, partyId, agencyId, role: d === 1 ? 'head' : 'expert', name: `Delegate ${d} (synthetic)` }, day, at(day));
        }
      }
    }
  }

  for (let s = 0; s < SESSIONS && written < events; s++) {
    const heldOn = sessionDates[s];
    const scheduledOn = addDays(heldOn, -30);
    for (const track of tracks) {
      const { trackId } = track;
      const sessionId = `${trackId}-s${s + 1}`;
      const agenda = [{ itemId: 'a1', title: 'Norms' }, { itemId: 'a2', title: 'CBMs' }, { itemId: 'a3', title: 'Other business' }];
      emit(`session-${sessionId}`, 'SessionScheduled', { trackId, sessionId, number: s + 1, place: pick(['Geneva', 'New York', 'Vienna']), scheduledFor: heldOn, provisionalAgenda: agenda }, scheduledOn, at(scheduledOn));
      emit(`session-${sessionId}`, 'SessionHeld', {
        sessionId,
        heldOn,
        place: 'Geneva',
        agenda,
        attendance: Object.fromEntries(PARTIES.map((p) => [p, [`${trackId}-${p}-mfa-d1`, `${trackId}-${p}-mod-d2`]])),
        headsOfDelegation: Object.fromEntries(PARTIES.map((p) => [p, `${trackId}-${p}-mfa-d1`])),
      }, heldOn, at(heldOn));
      // New subjects over the first five sessions.
      const target = Math.min(subjectsPerTrack, Math.round(((s + 1) * subjectsPerTrack) / 5));
      while (track.subjects.length < target) {
        const i = track.subjects.length;
        const kind = kinds(i);
        const id = `${trackId}-${kind}-${String(i).padStart(4, '0')}`;
        const subject = { kind, id, streamId: `${kind}-${id}`, stances: {}, statements: [], status: 'open', next: 0 };
        const base = { trackId, [`${kind}Id`]: id, title: `${kind === 'norm' ? 'Norm' : kind === 'cbm' ? 'CBM' : 'Topic'} ${i}: ${text(4, 9)} (synthetic)`, summary: text(20, 40) };
        if (kind === 'norm') emit(subject.streamId, 'NormProposed', { ...base, proposedBy: [pick(PARTIES)], sessionId, agendaItemId: 'a1' }, heldOn, at(heldOn));
        else if (kind === 'cbm') {
          const norms = track.subjects.filter((x) => x.kind === 'norm');
          emit(subject.streamId, 'CbmProposed', { ...base, proposedBy: [pick(PARTIES)], ...(norms.length > 0 ? { linkedNorms: [pick(norms).id] } : {}), sessionId, agendaItemId: 'a2' }, heldOn, at(heldOn));
        } else emit(subject.streamId, 'TopicOpened', { ...base, sessionId }, heldOn, at(heldOn));
        track.subjects.push(subject);
      }
      const perSubject = Math.max(2, Math.round(events / (TRACK_COUNT * subjectsPerTrack * 9)));
      for (const subject of track.subjects) {
        const idKey = `${subject.kind}Id`;
        for (let k = 0; k < perSubject; k++) {
          const partyId = PARTIES[k % 2];
          let stance = pick(STANCES);
          // Later sessions converge, so that agreements happen.
          if (s >= 3 && random() < 0.5) stance = 'supports';
          const late = s > 0 && random() < 0.03;
          const statementId = `${subject.id}-st${subject.next++}`;
          const effectiveOn = late ? sessionDates[s - 1] : heldOn;
          const data = {
            [idKey]: subject.id,
            statementId,
            partyId,
            delegateId: `${trackId}-${partyId}-mfa-d1`,
            stance,
            ...(stance === 'conditional' ? { condition: text(6, 12) } : {}),
            text: text(8, 30),
            channel: late ? 'written' : 'oral',
            ...(late ? { communicationRef: `NV/${trackId}/${subject.next}` } : { sessionId: late ? `${trackId}-s${s}` : sessionId, agendaItemId: 'a1' }),
          };
          emit(subject.streamId, 'PositionStated', data, effectiveOn, at(heldOn, late ? 16 : 10));
          subject.statements.push({ statementId, stance, effectiveOn });
          if (!late) subject.stances[partyId] = stance;
        }
        // About 1% of statements are corrected later (stance misrecorded).
        if (random() < 0.08 && subject.statements.length > 3) {
          const target = subject.statements[Math.floor(random() * (subject.statements.length - 1))];
          const to = target.stance === 'supports' ? 'reserves' : 'supports';
          emit(subject.streamId, 'RecordCorrected', {
            [idKey]: subject.id,
            correctionId: `${subject.id}-c${subject.next++}`,
            target: { statementId: target.statementId },
            changes: [{ field: 'stance', from: target.stance, to }],
            reason: 'Stance misrecorded; corrected against the audio record (synthetic).',
            requestedBy: 'secretariat',
          }, target.effectiveOn, at(heldOn, 17));
          target.stance = to;
        }
        if (subject.kind === 'norm' && subject.status === 'open' && s >= 3 && PARTIES.every((p) => subject.stances[p] === 'supports')) {
          emit(subject.streamId, 'DecisionRecorded', { normId: subject.id, decisionId: `${subject.id}-d${s}`, kind: 'agree_ad_referendum', sessionId, agendaItemId: 'a1', text: 'Agreed ad referendum (synthetic).' }, heldOn, at(heldOn, 18));
          subject.status = 'agreed';
        } else if (subject.kind === 'cbm' && subject.status === 'open' && s >= 3 && PARTIES.every((p) => subject.stances[p] === 'supports')) {
          emit(subject.streamId, 'DecisionRecorded', { cbmId: subject.id, decisionId: `${subject.id}-d${s}`, kind: 'agree_cbm', sessionId, agendaItemId: 'a2', text: 'CBM agreed (synthetic).' }, heldOn, at(heldOn, 18));
          subject.status = 'agreed';
        }
      }
      emit(`session-${sessionId}`, 'MinutesAdopted', { sessionId, procedure: 'in_session' }, heldOn, at(heldOn, 19));
    }
    // Capitals answer within two months: confirmations, a few declines; CBM reports.
    for (const track of tracks) {
      for (const subject of track.subjects) {
        if (subject.status !== 'agreed') continue;
        const on = addDays(sessionDates[s], 45);
        if (subject.kind === 'norm') {
          for (const partyId of PARTIES) {
            const declined = random() < 0.05;
            emit(subject.streamId, 'CapitalResponseRecorded', { normId: subject.id, responseId: `${subject.id}-r${subject.next++}`, partyId, response: declined ? 'declined' : 'confirmed', communicationRef: `NV/${partyId}/${subject.next}` }, on, at(on));
            if (declined) break;
          }
          subject.status = 'done';
        } else {
          for (const partyId of PARTIES) {
            emit(subject.streamId, 'CbmImplementationReported', { cbmId: subject.id, reportId: `${subject.id}-rep${subject.next++}`, partyId, text: text(20, 40) }, on, at(on));
          }
          subject.status = 'done';
        }
      }
    }
  }
  // Whatever is left of the count: more statements at the last session, round robin.
  const last = sessionDates[SESSIONS - 1];
  let i = 0;
  while (written < events) {
    const track = tracks[i % TRACK_COUNT];
    const subject = track.subjects[Math.floor(i / TRACK_COUNT) % track.subjects.length];
    const partyId = PARTIES[i % 2];
    emit(subject.streamId, 'PositionStated', { [`${subject.kind}Id`]: subject.id, statementId: `${subject.id}-st${subject.next++}`, partyId, stance: 'supports', text: text(8, 30), channel: 'oral', sessionId: `${track.trackId}-s${SESSIONS}` }, last, at(last, 20));
    i++;
  }
  if (buffer.length > 0) flush();
  db.pragma('wal_checkpoint(TRUNCATE)');
  await closeStore(store);
};

/**
 * The baseline's pass over a store: one statement over the whole log in order, raw rows, both JSON
 * columns parsed, a trivial fold (count and last effective date per stream). `each` is also given
 * every row with its parsed metadata (the rebuild floor writes from it). Returns the events read.
 */
export const rawScan = (db, each) => {
  const scan = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').raw();
  const streams = new Map();
  let count = 0;
  for (const row of scan.iterate()) {
    const data = JSON.parse(row[5]);
    const metadata = JSON.parse(row[6]);
    const state = streams.get(row[1]);
    if (state === undefined) streams.set(row[1], { n: 1, last: metadata.effectiveOn, keys: Object.keys(data).length });
    else {
      state.n++;
      if (metadata.effectiveOn > state.last) state.last = metadata.effectiveOn;
    }
    count++;
    each?.(row, metadata, count);
  }
  return count;
};
