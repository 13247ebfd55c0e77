// A broad multilateral track for bench/breadth.bench.mjs: 57 parties (an OSCE-like working group),
// each with two agencies and four delegates, sessions four times a year with attendance, norms with
// positions stated by many parties, CBMs linked to norms, agreements with capital responses from
// every party, implementation reports, procedural decisions, action items and minutes; and the
// awkward parts of a real record: late entries (written statements recorded at a later session,
// effective before it), a backlog of them entered in one go at the end, corrections (stances,
// a statement moved to another party, effective dates), and a party registered in the past.
//
// Every action goes through the product's command bus (src/demo/demo-loader.ts: the same commands,
// deciders, hashing and append as POST over HTTP), with the demo clock moved to the day each action
// is recorded, so recordedAt tells the story. The event store (SQLite) is cached under os.tmpdir()
// keyed by GENERATOR_VERSION and the scale: only the first run pays for it.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, cachedStore, drawing, importDist, rng } from '../lib/bench-kit.mjs';

export const GENERATOR_VERSION = 2;
export const TRACK_ID = 'osce-ict-wg';

/** 57 participating states, by ISO code. */
export const PARTIES = 'al ad am at az by be ba bg ca hr cy cz dk ee fi fr ge de gr va hu is ie it kz kg lv li lt lu mt md mc mn me nl mk no pl pt ro ru sm rs sk si es se ch tj tr tm ua gb us uz'.split(' ');
/**
 * Registered when the track is set up, except: two join later (at a fifth and at 30% of the
 * sessions), and one is registered late, at mid-track, effective at the start (a party registered in the past).
 */
const joinLater = (sessions) => new Map([['mn', Math.round(sessions * 0.2)], ['ad', Math.round(sessions * 0.3)]]);
const registeredLate = (sessions) => ({ partyId: 'va', atSession: Math.round(sessions * 0.5) });

/** Full: the audit's track (~40 sessions, 300 norms, 60 CBMs, ~42k events); quick: the same breadth over fewer sessions. */
export const SCALES = {
  full: { sessions: 40, norms: 300, cbms: 60, topics: 8, speakers: [3, 8], backlog: 2400 },
  quick: { sessions: 12, norms: 72, cbms: 16, topics: 3, speakers: [3, 8], backlog: 500 },
};

const STANCES = ['supports', 'supports', 'supports', 'conditional', 'reserves', 'opposes', 'abstains'];
const WORDS =
  'states should not conduct or knowingly support ICT activity contrary to their obligations under international law that intentionally damages critical infrastructure or otherwise impairs the use and operation of critical infrastructure to provide services to the public'.split(' ');


/** Session k is held 13 weeks after session k-1, from 2016-03-01. */
export const sessionDate = (k) => addDays('2016-03-01', k * 91);
export const TRACK_DAY = '2016-01-11';

export const storeFileFor = (scale) => join(tmpdir(), `norms-bench-breadth-v${GENERATOR_VERSION}-${scale}.sqlite`);

/** Every clerk action of the track, in recording order (each {recordedOn, action}, as the demo loader takes them). */
export const breadthSteps = (scaleName) => {
  const scale = SCALES[scaleName];
  const random = rng(20261128);
  const { pick, words } = drawing(random, WORDS);
  const text = (min, max) => `[Synthetic] ${words(min, max)}`;
  const sample = (list, n) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  };
  const steps = [];
  let day = '';
  const on = (recordedOn, action) => {
    if (recordedOn < day) throw new Error(`breadth data out of recording order: ${recordedOn} after ${day}`);
    day = recordedOn;
    steps.push({ recordedOn, action });
  };
  const T = TRACK_ID;
  const JOIN_LATER = joinLater(scale.sessions);
  const REGISTERED_LATE = registeredLate(scale.sessions);
  const delegate = (p, agency, n) => `${p}-${agency}-${n}`;

  // The track and its registry.
  const registered = new Set();
  const register = (recordedOn, partyId, effectiveOn) => {
    on(recordedOn, { kind: 'register-party', trackId: T, input: { partyId, name: `Participating state ${partyId.toUpperCase()} (synthetic)`, effectiveOn } });
    for (const agency of ['mfa', 'mod']) {
      on(recordedOn, { kind: 'register-agency', trackId: T, input: { agencyId: `${partyId}-${agency}`, partyId, name: `${partyId.toUpperCase()} ${agency === 'mfa' ? 'foreign ministry' : 'defence ministry'}`, effectiveOn } });
      for (const n of [1, 2]) {
        on(recordedOn, {
          kind: 'register-delegate',
          trackId: T,
          input: { delegateId: delegate(partyId, agency, n), partyId, agencyId: `${partyId}-${agency}`, role: n === 1 && agency === 'mfa' ? 'head' : 'expert', name: `Delegate ${n} of ${partyId} ${agency} (synthetic)`, effectiveOn },
        });
      }
    }
    registered.add(partyId);
  };
  on(TRACK_DAY, { kind: 'establish-track', input: { trackId: T, name: 'Informal working group on ICT security CBMs (synthetic breadth bench)', mandateRef: '[Synthetic] PC.DEC/1039', cadence: 'quarterly', effectiveOn: TRACK_DAY } });
  for (const p of PARTIES) if (!JOIN_LATER.has(p) && p !== REGISTERED_LATE.partyId) register(TRACK_DAY, p, TRACK_DAY);

  const subjects = [];
  const agenda = [
    { itemId: 'opening', title: 'Opening' },
    { itemId: 'norms', title: 'Norms' },
    { itemId: 'cbms', title: 'Confidence-building measures' },
    { itemId: 'topics', title: 'Current topics' },
    { itemId: 'aob', title: 'Any other business' },
  ];
  const sessions = [];
  /** Statements that may be corrected later: {subject, statementId, partyId, stance, effectiveOn, sessionIndex | null, written}. */
  const statements = [];
  let corrections = 0;
  const pendingLate = [];
  const newSubjectsAt = (k, total, first, last) => (k < first || k > last ? 0 : Math.floor(((k - first + 1) * total) / (last - first + 1)) - Math.floor(((k - first) * total) / (last - first + 1)));
  const normSessions = Math.max(1, Math.round(scale.sessions * 0.75));

  const state = (subject, partyId, stance, effectiveOn, statementId, sessionIndex, written) => {
    const entry = { subject, statementId, partyId, stance, effectiveOn, sessionIndex, written };
    statements.push(entry);
    return entry;
  };

  for (let k = 0; k < scale.sessions; k++) {
    const heldOn = sessionDate(k);
    const sessionId = `wg-${k + 1}`;
    // Joiners and the party registered in the past.
    for (const [p, at] of JOIN_LATER) if (at === k) register(addDays(heldOn, -40), p, addDays(heldOn, -40));
    on(addDays(heldOn, -30), { kind: 'schedule-session', trackId: T, input: { sessionId, number: k + 1, place: pick(['Vienna', 'Vienna', 'Geneva', 'Warsaw']), scheduledFor: heldOn, provisionalAgenda: agenda } });
    if (k === REGISTERED_LATE.atSession) register(addDays(heldOn, -1), REGISTERED_LATE.partyId, TRACK_DAY);

    // Held: most parties attend, with two delegates.
    const attending = [...registered].filter(() => random() < 0.88).sort();
    const attendance = Object.fromEntries(attending.map((p) => [p, [delegate(p, 'mfa', 1), delegate(p, 'mod', 1)]]));
    const heads = Object.fromEntries(attending.map((p) => [p, delegate(p, 'mfa', 1)]));
    on(heldOn, { kind: 'hold-session', sessionId, input: { heldOn, place: 'Vienna', agenda, attendance, headsOfDelegation: heads } });
    sessions.push({ sessionId, heldOn, attending });
    // The previous session's minutes are adopted at this one.
    if (k > 0) on(heldOn, { kind: 'adopt-minutes', sessionId: `wg-${k}`, input: { procedure: 'in_session', atSessionId: sessionId, agendaItemId: 'opening', effectiveOn: heldOn } });
    on(heldOn, { kind: 'procedural-decision', sessionId, input: { decisionId: `${sessionId}-pd1`, kind: 'procedural', agendaItemId: 'opening', text: text(6, 12) } });
    on(heldOn, { kind: 'assign-action-item', sessionId, input: { actionItemId: `${sessionId}-ai1`, assignee: pick(attending), text: text(6, 12), dueOn: addDays(heldOn, 60) } });
    on(heldOn, { kind: 'assign-action-item', sessionId, input: { actionItemId: `${sessionId}-ai2`, assignee: 'secretariat', text: text(6, 12), dueOn: addDays(heldOn, 120) } });

    // New subjects.
    const kinds = [
      ['norm', newSubjectsAt(k, scale.norms, 0, normSessions - 1)],
      ['cbm', newSubjectsAt(k, scale.cbms, 2, normSessions + 1)],
      ['topic', newSubjectsAt(k, scale.topics, 0, normSessions - 1)],
    ];
    for (const [kind, count] of kinds) {
      for (let i = 0; i < count; i++) {
        const n = subjects.filter((s) => s.kind === kind).length + 1;
        const id = `${kind}-${String(n).padStart(3, '0')}`;
        const proposedBy = sample(attending, 1 + Math.floor(random() * 3)).sort();
        const subject = { kind, id, proposedBy, from: k, status: kind === 'topic' ? null : 'proposed', next: 0, converges: kind !== 'topic' && random() < 0.3, reported: new Set() };
        const base = { title: `${kind === 'norm' ? 'Norm' : kind === 'cbm' ? 'CBM' : 'Topic'} ${n}: ${text(4, 9)}`, summary: text(15, 30), sessionId, agendaItemId: kind === 'norm' ? 'norms' : kind === 'cbm' ? 'cbms' : 'topics' };
        if (kind === 'norm') on(heldOn, { kind: 'propose-norm', trackId: T, input: { normId: id, proposedBy, ...base } });
        else if (kind === 'cbm') {
          const norms = subjects.filter((s) => s.kind === 'norm');
          const linkedNorms = sample(norms, 1 + Math.floor(random() * 2)).map((s) => s.id).sort();
          on(heldOn, { kind: 'propose-cbm', trackId: T, input: { cbmId: id, proposedBy, linkedNorms, ...base } });
        } else {
          const { agendaItemId: _a, ...topic } = base;
          on(heldOn, { kind: 'open-topic', trackId: T, input: { topicId: id, ...topic } });
        }
        subjects.push(subject);
      }
    }

    // Statements at the session: a handful of speakers per open subject; converging subjects end in
    // a round in which every party supports it, then an agreement.
    for (const subject of subjects) {
      if (subject.status !== null && subject.status !== 'proposed' && subject.status !== 'under_discussion') continue;
      const age = k - subject.from;
      const round = subject.converges && age >= 4 + (subject.id.length % 3);
      // Not every subject is taken up at every session.
      if (!round && random() < 0.3) continue;
      const [lo, hi] = scale.speakers;
      const speakers = round ? [...registered].sort() : sample(attending, lo + Math.floor(random() * (hi - lo)));
      for (const partyId of speakers) {
        const statementId = `${subject.id}-s${subject.next++}`;
        const stance = round ? (random() < 0.1 ? 'abstains' : 'supports') : pick(STANCES);
        const present = attendance[partyId] !== undefined;
        const input = present
          ? { statementId, partyId, delegateId: pick(attendance[partyId]), stance, text: text(10, 30), channel: 'oral', sessionId, agendaItemId: subject.kind === 'norm' ? 'norms' : subject.kind === 'cbm' ? 'cbms' : 'topics' }
          : { statementId, partyId, stance, text: text(10, 30), channel: 'written', communicationRef: `[Synthetic] NV/${partyId}/${statementId}`, effectiveOn: heldOn };
        if (stance === 'conditional') input.condition = text(6, 12);
        on(heldOn, { kind: 'state-position', subject: subject.kind, subjectId: subject.id, input });
        state(subject, partyId, stance, heldOn, statementId, present ? k : null, !present);
        if (subject.status === 'proposed') subject.status = 'under_discussion';
      }
      if (round) {
        const decisionId = `${subject.id}-agree`;
        on(heldOn, {
          kind: 'subject-decision',
          subject: subject.kind,
          subjectId: subject.id,
          input: { decisionId, kind: subject.kind === 'norm' ? 'agree_ad_referendum' : 'agree_cbm', sessionId, agendaItemId: subject.kind === 'norm' ? 'norms' : 'cbms', text: text(6, 10) },
        });
        subject.status = subject.kind === 'norm' ? 'agreed_ad_referendum' : 'agreed';
        subject.agreedAt = k;
      }
    }
    // Late entries of the previous session, recorded now: written statements dated before.
    for (const late of pendingLate.splice(0)) on(heldOn, late.action);

    // Written statements that will be entered at the next session (late entries).
    if (k > 0) {
      const open = subjects.filter((s) => s.status === 'under_discussion' || s.status === null);
      for (const subject of sample(open, Math.max(1, Math.round(open.length * 0.25)))) {
        const partyId = pick([...registered]);
        const statementId = `${subject.id}-s${subject.next++}`;
        const effectiveOn = addDays(heldOn, 20 + Math.floor(random() * 40));
        const stance = pick(STANCES);
        const input = { statementId, partyId, stance, text: text(10, 30), channel: 'written', communicationRef: `[Synthetic] NV/${partyId}/${statementId}`, effectiveOn, ...(stance === 'conditional' ? { condition: text(6, 12) } : {}) };
        pendingLate.push({ action: { kind: 'state-position', subject: subject.kind, subjectId: subject.id, input } });
        state(subject, partyId, stance, effectiveOn, statementId, null, true);
      }
    }

    // Two weeks on: minutes circulated, corrections to statements (this session's before adoption,
    // older ones with a corrigendum), an action item completed.
    const after = addDays(heldOn, 14);
    on(after, { kind: 'circulate-minutes', sessionId, input: { effectiveOn: after } });
    if (k > 0) on(after, { kind: 'complete-action-item', sessionId: `wg-${k}`, actionItemId: `wg-${k}-ai1`, input: { effectiveOn: after } });
    const entered = statements.filter((s) => s.effectiveOn <= heldOn && s.stance !== 'conditional');
    for (let c = 0; c < 6 && entered.length > 0; c++) {
      const target = pick(entered);
      const { subject } = target;
      const correctionId = `${subject.id}-c${subject.next++}`;
      const corrigendum = target.sessionIndex !== null && target.sessionIndex < k ? { corrigendumId: `[Synthetic] WG/${target.sessionIndex + 1}/Corr.${++corrections}` } : {};
      let changes;
      const roll = random();
      if (target.written && target.sessionIndex === null && roll < 0.35) {
        // A written statement attributed to the wrong party: moved to another one.
        const to = pick([...registered].filter((p) => p !== target.partyId));
        changes = [{ field: 'partyId', from: target.partyId, to }];
        target.partyId = to;
      } else if (target.written && target.sessionIndex === null && roll < 0.5) {
        const to = addDays(target.effectiveOn, -7);
        changes = [{ field: 'effectiveOn', from: target.effectiveOn, to }];
        target.effectiveOn = to;
      } else {
        const to = target.stance === 'supports' ? 'reserves' : 'supports';
        changes = [{ field: 'stance', from: target.stance, to }];
        target.stance = to;
      }
      on(after, {
        kind: 'correct-subject',
        subject: subject.kind,
        subjectId: subject.id,
        input: { correctionId, target: { statementId: target.statementId }, changes, reason: text(6, 12), requestedBy: target.partyId, ...corrigendum },
      });
    }

    // Six weeks on: capitals answer on norms agreed at this session; CBMs agreed earlier are reported on.
    const answers = addDays(heldOn, 45);
    for (const subject of subjects) {
      if (subject.kind === 'norm' && subject.status === 'agreed_ad_referendum' && subject.agreedAt === k) {
        const declining = random() < 0.1 ? pick([...registered]) : null;
        for (const partyId of [...registered].sort()) {
          const response = partyId === declining ? 'declined' : 'confirmed';
          on(answers, { kind: 'capital-response', normId: subject.id, input: { responseId: `${subject.id}-r-${partyId}`, partyId, response, communicationRef: `[Synthetic] NV/${partyId}/${subject.id}`, effectiveOn: answers } });
          if (response === 'declined') {
            subject.status = 'under_discussion';
            subject.converges = false;
            break;
          }
        }
        if (subject.status === 'agreed_ad_referendum') subject.status = 'adopted';
      }
      if (subject.kind === 'cbm' && subject.status === 'agreed') {
        for (const partyId of sample([...registered].filter((p) => !subject.reported.has(p)), 6)) {
          on(answers, { kind: 'report-implementation', cbmId: subject.id, input: { reportId: `${subject.id}-rep-${partyId}`, partyId, text: text(10, 20), effectiveOn: answers } });
          subject.reported.add(partyId);
        }
      }
    }
  }
  // The backlog: written statements from capitals over the years, entered in one go after the last session.
  const lastDay = addDays(sessionDate(scale.sessions - 1), 60);
  for (let i = 0; i < scale.backlog; i++) {
    const subject = pick(subjects.filter((s) => s.status !== 'withdrawn'));
    const partyId = pick([...registered]);
    const statementId = `${subject.id}-s${subject.next++}`;
    const from = sessionDate(subject.from);
    const span = Math.max(1, (Date.parse(lastDay) - Date.parse(from)) / 86_400_000 - 61);
    const effectiveOn = addDays(from, 1 + Math.floor(random() * span));
    const stance = pick(STANCES);
    on(lastDay, {
      kind: 'state-position',
      subject: subject.kind,
      subjectId: subject.id,
      input: { statementId, partyId, stance, text: text(10, 30), channel: 'written', communicationRef: `[Synthetic] NV/${partyId}/${statementId}`, effectiveOn, ...(stance === 'conditional' ? { condition: text(6, 12) } : {}) },
    });
  }
  return steps;
};

/** The last day anything is recorded at this scale (the backlog's). */
export const lastRecordedDay = (scaleName) => addDays(sessionDate(SCALES[scaleName].sessions - 1), 60);

/**
 * Records the track (or reuses the cached store) and returns its file. The command bus of the
 * product writes it: a demo context (write side only) on a SQLite store, the demo clock moved to
 * each step's day.
 */
export const ensureBreadthStore = (scaleName, log = console.log) => cachedStore(storeFileFor(scaleName), (partial) => writeBreadthStore(partial, scaleName, log));

const writeBreadthStore = async (partial, scaleName, log) => {
  const { SqliteEventStore } = await importDist('infrastructure/sqlite/sqlite-event-store.js');
  const { createDemoContext, DemoClock } = await importDist('demo/demo.module.js');
  const { loadDemo } = await importDist('demo/demo-loader.js');
  const { loadConfig } = await importDist('config/app-config.js');
  const store = new SqliteEventStore({ file: partial, synchronous: 'NORMAL' });
  const clock = new DemoClock();
  const config = loadConfig({ LEDGER_DATA_DIR: tmpdir(), LEDGER_TOKENS: 'clerk:bench-clerk-token-0123456789abcdef', LOG_LEVEL: 'warn' });
  const keepAlive = setInterval(() => {}, 1000);
  const context = await createDemoContext(config, { store, clock });
  const steps = breadthSteps(scaleName);
  let lastLog = Date.now();
  const report = await loadDemo(context, {
    steps,
    correlationId: `breadth-bench-v${GENERATOR_VERSION}`,
    onProgress: ({ done, total }) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`#   recorded ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} commands`);
      }
    },
  });
  await context.close();
  clearInterval(keepAlive);
  return { commands: report.commands, events: report.events };
};
