import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { Response } from 'supertest';
import type { LedgerMetadata } from '../../src/shared/event-store/envelope.js';
import { ReadModelQueries } from '../../src/projections/read-model/read-model.queries.js';
import { readStreamOrEmpty } from '../../src/shared/event-store/handle-command.js';
import { titleOf } from '../../src/shared/http/problem-details.js';
import { CLERK_TOKEN, type E2eApp, PROBLEM_JSON, problemType, removeDataDir, startApp } from './support/e2e-app.js';
import { givenHeldSession, givenTrack, ok } from './support/fixtures.js';

/*
 * DESIGN.md §7, route × status: one `describe` per route, one `it` per status (per rule, where a
 * status has several) that no other spec pins down. Every refusal is checked for its status,
 * problem+json, stable `type`, exact `detail` (400: every invalid field listed) and, for commands,
 * an unchanged head position. Pairs tested elsewhere are listed in COVERED_ELSEWHERE, not repeated.
 *
 * Statuses that are the same for every command route because one shared layer answers them,
 * before any route-specific code runs, are tested once where that layer is tested:
 * 401/403 (access matrix), 413, 415, malformed JSON and a body that is not an object (Fastify's
 * content-type parser and the validation pipe). 500 is tested below on one command and one query
 * (one global filter answers it for every route).
 *
 * Unreachable over HTTP (the DTO answers 400 first, so only decider tables test them):
 * session `duplicate-attendee` and `duplicate-agenda-item`, subject `no-proposer`,
 * `field-required` on proposal, `wrong-decision-kind`, `session-required`, `invalid-stance`,
 * `invalid-response`, `no-changes` and `at-session-required` (atSessionId is required with in_session); and, since a correction's `to` is checked for the form of its
 * field (a 400 naming `changes[i].to`, tested in http-contract.e2e.spec.ts), `invalid-effective-on`,
 * `field-required` and `invalid-corrected-record` for a value of the wrong form.
 */
const COVERED_ELSEWHERE: Readonly<Record<string, string>> = {
  'every route × 401, 403 (problem+json, WWW-Authenticate)': 'test/auth/access-matrix.spec.ts',
  'every command route: no 5xx and nothing appended under 10,000 fuzzed bodies': 'test/auth/fuzz-commands.spec.ts',
  'POST /tracks 201, 400 body': 'test/e2e/tracks.e2e.spec.ts',
  'POST /tracks 413, 415, 400 malformed JSON; POST /tracks/:trackId/parties 400 not an object, 400 missing body': 'test/e2e/http-contract.e2e.spec.ts',
  'POST /sessions/:sessionId/corrections 400 body (nested paths, exact)': 'test/e2e/http-contract.e2e.spec.ts',
  'POST /norms/:id/positions 404, 409 no-consensus (decisions), 412, 422 key reuse (same route, other body), replay after restart': 'test/e2e/http-contract.e2e.spec.ts',
  'a complete track: 201 of every command not given its own happy path here': 'test/e2e/complete-track.e2e.spec.ts',
  'every query route 200 (live and under cuts), 404; GET /tracks, /tracks/:id/board, /norms/:id 400': 'test/e2e/queries.e2e.spec.ts',
  'GET /tracks/:trackId/board/live 200; POST /projections/rebuild 200': 'test/e2e/queries.e2e.spec.ts',
  'audit routes 200, GET /audit/events 400, GET /audit/streams/:streamId 404, POST /audit/checkpoints 201': 'test/audit/audit-http.e2e.spec.ts',
  'POST /tracks 413, 415 and the 64-level nesting 400 with authentication on': 'test/auth/hardening.spec.ts',
};

const NOW = '2026-03-12T09:30:00.000Z';
/** Used once by the seed: every later use is a reuse for another request. */
const SEED_KEY = 'seed-key-1';
const NO_SUCH_EVENT = '00000000-0000-4000-8000-000000000000';
const SLUG = 'must be a slug: 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit';
const DATE = 'must be a real calendar date written YYYY-MM-DD';
const IF_MATCH = 'must be W/"<revision>" with the revision from an earlier ETag (e.g. W/"3"), a comma-separated list of them, or *';
const UNKNOWN = 'is not a field of this request';
const TWICE = 'is given more than once: send it once';
const REGISTERED = '(registered: cn, us); register it first';

type Body = Record<string, unknown>;
interface FieldError {
  readonly field: string;
  readonly message: string;
}

interface Rejection {
  readonly status: 404 | 409 | 422;
  readonly code: string;
  readonly why: string;
  /** Default: the route's own path. */
  readonly path?: string;
  readonly body: Body;
  readonly detail: string;
}

interface CommandCase {
  /** As DESIGN.md §7 writes it. */
  readonly route: string;
  /** The route with the seeded ids the happy path records on. */
  readonly path: string;
  readonly stream: string;
  /** How problems name the stream ("norm n-pos"). */
  readonly subject: string;
  /** A valid body the happy path records; also sent, unchanged, where only headers are wrong. */
  readonly body: Body;
  readonly recorded: readonly string[];
  /** Omitted where COVERED_ELSEWHERE pins the exact 400 of the route. */
  readonly invalid?: { readonly body: Body; readonly errors: readonly FieldError[] };
  readonly rejections: readonly Rejection[];
}

/** Event ids the seed learns (correction targets), read through getters once the seed ran. */
const seeded: Record<string, string> = {};

const position = (statementId: string, partyId: string, stance: string, extra: Body = {}): Body => ({
  statementId, partyId, delegateId: `${partyId}-d1`, stance, text: `${partyId} ${stance}`, channel: 'oral', sessionId: 's1', ...extra,
});
const correction = (extra: Body): Body => ({ correctionId: 'corr-x', reason: 'the record is wrong', requestedBy: 'us', ...extra });
const NOT_HELD = (session: string, action: string, status = 'scheduled') => `session ${session}: cannot ${action}: it is ${status}, not held; record it held first`;
const ADOPTED = (session: string, action: string) =>
  `session ${session}: cannot ${action}: its minutes were adopted on 2026-02-14; only corrections (with a corrigendumId) may follow`;
const SILENCE_RUNNING = (session: string, action: string) =>
  `session ${session}: cannot ${action}: a silence procedure on its minutes runs until 2026-03-01; adopt by silence after the deadline, or record the silence broken`;
const WITHDRAWN = (subject: string) => `${subject} is withdrawn: nothing more can be recorded on it (corrections excepted)`;

const COMMANDS: readonly CommandCase[] = [
  {
    route: 'POST /tracks',
    path: '/tracks',
    stream: 'track-t-new',
    subject: 'track t-new',
    body: { trackId: 't-new', name: 'New track', mandateRef: 'MoU 2026-01', cadence: 'quarterly', effectiveOn: '2026-01-05' },
    recorded: ['TrackEstablished'],
    rejections: [{ status: 409, code: 'already-exists', why: 'the trackId is taken', body: { trackId: 'seg', name: 'Again', effectiveOn: '2026-01-05' }, detail: 'track seg already exists' }],
  },
  {
    route: 'POST /tracks/:trackId/parties',
    // Not `reg`: a new party there would change the party lists the agency and delegate problems name.
    path: '/tracks/other/parties',
    stream: 'track-other',
    subject: 'track other',
    body: { partyId: 'ru', name: 'Russia', effectiveOn: '2026-01-05' },
    recorded: ['PartyRegistered'],
    invalid: {
      body: { partyId: 'RU', name: '', effectiveOn: '05/01/2026', flag: true },
      errors: [{ field: 'flag', message: UNKNOWN }, { field: 'partyId', message: SLUG }, { field: 'name', message: 'must not be blank' }, { field: 'effectiveOn', message: DATE }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/parties', body: { partyId: 'ru', name: 'Russia', effectiveOn: '2026-01-05' }, detail: 'track ghost does not exist' },
      { status: 409, code: 'party-already-registered', why: 'the party is registered', body: { partyId: 'us', name: 'USA', effectiveOn: '2026-01-05' }, detail: 'track other: party us is already registered (since 2026-01-05); nothing to do' },
    ],
  },
  {
    route: 'POST /tracks/:trackId/agencies',
    path: '/tracks/reg/agencies',
    stream: 'track-reg',
    subject: 'track reg',
    body: { agencyId: 'us-dod', partyId: 'us', name: 'Department of Defense', effectiveOn: '2026-01-05' },
    recorded: ['AgencyRegistered'],
    invalid: {
      body: { agencyId: '', partyId: ['us'], name: 'x'.repeat(201) },
      errors: [{ field: 'agencyId', message: SLUG }, { field: 'partyId', message: 'must be a string' }, { field: 'name', message: 'must be at most 200 characters long' }, { field: 'effectiveOn', message: 'is required' }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/agencies', body: { agencyId: 'us-dod', partyId: 'us', name: 'Defense', effectiveOn: '2026-01-05' }, detail: 'track ghost does not exist' },
      { status: 409, code: 'agency-already-registered', why: 'the agencyId is taken', body: { agencyId: 'us-mfa', partyId: 'us', name: 'State', effectiveOn: '2026-01-05' }, detail: 'track reg: agency us-mfa is already registered (agency of us); choose another agencyId' },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { agencyId: 'fr-mfa', partyId: 'fr', name: 'Quai', effectiveOn: '2026-01-05' }, detail: `track reg: party fr is not registered on this track ${REGISTERED}` },
    ],
  },
  {
    route: 'POST /tracks/:trackId/delegates',
    path: '/tracks/reg/delegates',
    stream: 'track-reg',
    subject: 'track reg',
    body: { delegateId: 'us-d9', partyId: 'us', agencyId: 'us-mfa', role: 'adviser', name: 'A. Smith', effectiveOn: '2026-01-05' },
    recorded: ['DelegateRegistered'],
    invalid: {
      body: { delegateId: 'us d9', partyId: 'us', agencyId: null, role: '', effectiveOn: '2026-01-05' },
      errors: [{ field: 'delegateId', message: SLUG }, { field: 'agencyId', message: 'is required' }, { field: 'role', message: 'must not be blank' }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/delegates', body: { delegateId: 'us-d9', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }, detail: 'track ghost does not exist' },
      { status: 409, code: 'delegate-already-registered', why: 'the delegateId is taken', body: { delegateId: 'us-d1', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }, detail: 'track reg: delegate us-d1 is already registered (of us, us-mfa); choose another delegateId' },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { delegateId: 'fr-d1', partyId: 'fr', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }, detail: `track reg: party fr is not registered on this track ${REGISTERED}` },
      { status: 422, code: 'unknown-agency', why: 'the agency is not registered', body: { delegateId: 'us-d8', partyId: 'us', agencyId: 'us-dhs', effectiveOn: '2026-01-05' }, detail: 'track reg: agency us-dhs is not registered on this track; register it first' },
      { status: 422, code: 'agency-not-of-party', why: "the agency is another party's", body: { delegateId: 'us-d8', partyId: 'us', agencyId: 'cn-mfa', effectiveOn: '2026-01-05' }, detail: 'track reg: agency cn-mfa is an agency of cn, not of us; a delegate of us needs an agency of us' },
    ],
  },
  {
    route: 'POST /tracks/:trackId/sessions',
    path: '/tracks/seg/sessions',
    stream: 'session-s-new',
    subject: 'session s-new',
    body: { sessionId: 's-new', number: 20, place: 'Vienna', hostPartyId: 'us', scheduledFor: '2026-09-01', provisionalAgenda: [{ itemId: 'item-1', title: 'Opening' }] },
    recorded: ['SessionScheduled'],
    invalid: {
      body: { sessionId: 's-bad', number: 0, place: 'Vienna', scheduledFor: '2026-09-31', provisionalAgenda: [{ itemId: 'Item 1', title: 'Opening' }, { itemId: 'item-2' }] },
      errors: [
        { field: 'number', message: 'must be an integer from 1 to 100000' },
        { field: 'scheduledFor', message: DATE },
        { field: 'provisionalAgenda[0].itemId', message: SLUG },
        { field: 'provisionalAgenda[1].title', message: 'is required' },
      ],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/sessions', body: { sessionId: 's-x', number: 1, place: 'Rome', scheduledFor: '2026-09-01' }, detail: 'track ghost does not exist' },
      { status: 409, code: 'already-exists', why: 'the sessionId is taken', body: { sessionId: 's1', number: 1, place: 'Rome', scheduledFor: '2026-09-01' }, detail: 'session s1 already exists' },
      { status: 422, code: 'unknown-party', why: 'the host party is not registered', body: { sessionId: 's-x', number: 1, place: 'Rome', hostPartyId: 'fr', scheduledFor: '2026-09-01' }, detail: `session s-x: host party fr is not registered on track seg ${REGISTERED}` },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/reschedule',
    path: '/sessions/s-resched/reschedule',
    stream: 'session-s-resched',
    subject: 'session s-resched',
    body: { scheduledFor: '2026-07-01', reason: 'venue unavailable' },
    recorded: ['SessionRescheduled'],
    invalid: {
      body: { scheduledFor: 'tomorrow', reason: '', when: 'now' },
      errors: [{ field: 'when', message: UNKNOWN }, { field: 'scheduledFor', message: DATE }, { field: 'reason', message: 'must not be blank' }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/reschedule', body: { scheduledFor: '2026-07-01', reason: 'venue' }, detail: 'session ghost does not exist' },
      { status: 409, code: 'session-cancelled', why: 'the session was cancelled', path: '/sessions/s-cancelled/reschedule', body: { scheduledFor: '2026-07-01', reason: 'venue' }, detail: 'session s-cancelled: cannot be rescheduled: it was cancelled on 2026-02-01' },
      { status: 409, code: 'session-already-held', why: 'the session was held', path: '/sessions/s1/reschedule', body: { scheduledFor: '2026-07-01', reason: 'venue' }, detail: 'session s1: cannot be rescheduled: it was held on 2026-02-10; correct the record instead' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/cancel',
    path: '/sessions/s-cancel/cancel',
    stream: 'session-s-cancel',
    subject: 'session s-cancel',
    body: { reason: 'postponed sine die', effectiveOn: '2026-03-01' },
    recorded: ['SessionCancelled'],
    invalid: { body: { reason: 12 }, errors: [{ field: 'reason', message: 'must be a string' }, { field: 'effectiveOn', message: 'is required' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/cancel', body: { reason: 'x', effectiveOn: '2026-03-01' }, detail: 'session ghost does not exist' },
      { status: 409, code: 'session-already-cancelled', why: 'the session was cancelled', path: '/sessions/s-cancelled/cancel', body: { reason: 'x', effectiveOn: '2026-03-01' }, detail: 'session s-cancelled: already cancelled on 2026-02-01; nothing to do' },
      { status: 409, code: 'session-already-held', why: 'the session was held', path: '/sessions/s1/cancel', body: { reason: 'x', effectiveOn: '2026-03-01' }, detail: 'session s1: cannot be cancelled: it was held on 2026-02-10; correct the record instead' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/held',
    path: '/sessions/s-hold/held',
    stream: 'session-s-hold',
    subject: 'session s-hold',
    body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [{ itemId: 'item-1', title: 'Opening' }], attendance: { us: ['us-d1'], cn: ['cn-d2'] }, headsOfDelegation: { cn: 'cn-d2' } },
    recorded: ['SessionHeld'],
    invalid: {
      body: { heldOn: '2026-06-01', place: ' ', agenda: 'none', attendance: { us: 'us-d1' } },
      errors: [{ field: 'place', message: 'must not be blank' }, { field: 'agenda', message: 'must be an array' }, { field: 'attendance.us', message: 'must be an array of delegate ids' }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/held', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: {} }, detail: 'session ghost does not exist' },
      { status: 409, code: 'session-cancelled', why: 'the session was cancelled', path: '/sessions/s-cancelled/held', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: {} }, detail: 'session s-cancelled: cannot be held: it was cancelled on 2026-02-01' },
      { status: 409, code: 'session-already-held', why: 'the session was held', path: '/sessions/s1/held', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: {} }, detail: 'session s1: cannot be held: it was held on 2026-02-10; correct the record instead' },
      { status: 422, code: 'unknown-party', why: 'attendance of a party not registered', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: { fr: ['us-d1'] } }, detail: `session s-hold: party fr is not registered on track seg ${REGISTERED}` },
      { status: 422, code: 'unknown-delegate', why: 'a delegate not registered', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: { us: ['us-d9'] } }, detail: 'session s-hold: delegate us-d9 (listed for us) is not registered on track seg; register the delegate first' },
      { status: 422, code: 'delegate-not-of-party', why: 'a delegate listed under another party', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: { us: ['cn-d1'] } }, detail: 'session s-hold: delegate cn-d1 is a delegate of cn, not of us; list them under cn' },
      { status: 422, code: 'head-of-delegation-not-present', why: 'a head of delegation who is absent', body: { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: { us: ['us-d1'] }, headsOfDelegation: { us: 'us-d2' } }, detail: 'session s-hold: head of delegation us-d2 of us is not among the attendees of us (present: us-d1)' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/decisions',
    path: '/sessions/s1/decisions',
    stream: 'session-s1',
    subject: 'session s1',
    body: { decisionId: 'dec-new', kind: 'procedural', agendaItemId: 'item-1', text: 'The agenda was adopted.' },
    recorded: ['DecisionRecorded'],
    invalid: { body: { decisionId: 'dec-2', kind: 'substantive', text: '' }, errors: [{ field: 'kind', message: 'must be one of: procedural' }, { field: 'text', message: 'must not be blank' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/decisions', body: { decisionId: 'dec-new', kind: 'procedural', text: 'x' }, detail: 'session ghost does not exist' },
      { status: 422, code: 'session-not-held', why: 'the session is not held', path: '/sessions/s-sched/decisions', body: { decisionId: 'dec-new', kind: 'procedural', text: 'x' }, detail: NOT_HELD('s-sched', 'record decision dec-new') },
      { status: 409, code: 'minutes-adopted', why: 'the minutes are adopted', path: '/sessions/s-adopted/decisions', body: { decisionId: 'dec-new', kind: 'procedural', text: 'x' }, detail: ADOPTED('s-adopted', 'record decision dec-new') },
      { status: 409, code: 'decision-already-recorded', why: 'the decisionId is taken', body: { decisionId: 'dec-1', kind: 'procedural', text: 'x' }, detail: 'session s1: decision dec-1 is already recorded; choose another decisionId' },
      { status: 422, code: 'unknown-agenda-item', why: 'the agenda item is not on the agenda', body: { decisionId: 'dec-9', kind: 'procedural', agendaItemId: 'item-9', text: 'x' }, detail: 'session s1: agenda item item-9 is not on the agenda of session s1 as held (items: item-1, item-2)' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/action-items',
    path: '/sessions/s1/action-items',
    stream: 'session-s1',
    subject: 'session s1',
    body: { actionItemId: 'ai-new', assignee: 'secretariat', text: 'Circulate a revised draft', dueOn: '2026-04-01' },
    recorded: ['ActionItemAssigned'],
    invalid: { body: { actionItemId: 'ai-x', assignee: 'secretariat', text: 't', dueOn: '2026-04-31', effectiveOn: 'x' }, errors: [{ field: 'dueOn', message: DATE }, { field: 'effectiveOn', message: DATE }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/action-items', body: { actionItemId: 'ai-new', assignee: 'x', text: 'x' }, detail: 'session ghost does not exist' },
      { status: 422, code: 'session-not-held', why: 'the session is not held', path: '/sessions/s-sched/action-items', body: { actionItemId: 'ai-new', assignee: 'x', text: 'x' }, detail: NOT_HELD('s-sched', 'assign action item ai-new') },
      { status: 409, code: 'minutes-adopted', why: 'the minutes are adopted', path: '/sessions/s-adopted/action-items', body: { actionItemId: 'ai-new', assignee: 'x', text: 'x' }, detail: ADOPTED('s-adopted', 'assign action item ai-new') },
      { status: 409, code: 'action-item-already-assigned', why: 'the actionItemId is taken', body: { actionItemId: 'ai-1', assignee: 'x', text: 'x' }, detail: 'session s1: action item ai-1 is already assigned; choose another actionItemId' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/action-items/:actionItemId/complete',
    path: '/sessions/s1/action-items/ai-open/complete',
    stream: 'session-s1',
    subject: 'session s1',
    body: { note: 'draft circulated as SEG/2026/2', effectiveOn: '2026-03-01' },
    recorded: ['ActionItemCompleted'],
    invalid: { body: { note: '', effectiveOn: '2026-3-1' }, errors: [{ field: 'note', message: 'must not be blank' }, { field: 'effectiveOn', message: DATE }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/action-items/ai-open/complete', body: { effectiveOn: '2026-03-01' }, detail: 'session ghost does not exist' },
      { status: 404, code: 'action-item-not-found', why: 'no such action item', path: '/sessions/s1/action-items/ai-ghost/complete', body: { effectiveOn: '2026-03-01' }, detail: 'session s1: has no action item ai-ghost' },
      { status: 409, code: 'action-item-already-completed', why: 'the item is completed', path: '/sessions/s1/action-items/ai-done/complete', body: { effectiveOn: '2026-03-01' }, detail: 'session s1: action item ai-done was already completed on 2026-02-20' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/minutes/circulate',
    path: '/sessions/s-circ-happy/minutes/circulate',
    stream: 'session-s-circ-happy',
    subject: 'session s-circ-happy',
    body: { effectiveOn: '2026-03-01' },
    recorded: ['MinutesCirculated'],
    invalid: { body: { effectiveOn: 20260301, by: 'secretariat' }, errors: [{ field: 'by', message: UNKNOWN }, { field: 'effectiveOn', message: 'must be a string' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/minutes/circulate', body: { effectiveOn: '2026-03-01' }, detail: 'session ghost does not exist' },
      { status: 422, code: 'session-not-held', why: 'the session is not held', path: '/sessions/s-sched/minutes/circulate', body: { effectiveOn: '2026-03-01' }, detail: NOT_HELD('s-sched', 'circulate its minutes') },
      { status: 409, code: 'silence-procedure-running', why: 'a silence procedure runs', path: '/sessions/s-silence/minutes/circulate', body: { effectiveOn: '2026-03-01' }, detail: SILENCE_RUNNING('s-silence', 'circulate its minutes') },
      { status: 409, code: 'minutes-adopted', why: 'the minutes are adopted', path: '/sessions/s-adopted/minutes/circulate', body: { effectiveOn: '2026-03-01' }, detail: ADOPTED('s-adopted', 'circulate its minutes') },
      { status: 409, code: 'minutes-already-circulated', why: 'the minutes are circulated already', path: '/sessions/s-circ/minutes/circulate', body: { effectiveOn: '2026-03-01' }, detail: 'session s-circ: its minutes are already circulated; launch a silence procedure or adopt them (a retry sent with its Idempotency-Key answers the first response)' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/minutes/silence-procedure',
    path: '/sessions/s-sp/minutes/silence-procedure',
    stream: 'session-s-sp',
    subject: 'session s-sp',
    body: { deadline: '2026-03-20', effectiveOn: '2026-03-05' },
    recorded: ['SilenceProcedureLaunched'],
    invalid: { body: { deadline: '2026-02-30' }, errors: [{ field: 'deadline', message: DATE }, { field: 'effectiveOn', message: 'is required' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/minutes/silence-procedure', body: { deadline: '2026-03-20', effectiveOn: '2026-03-05' }, detail: 'session ghost does not exist' },
      { status: 409, code: 'minutes-not-circulated', why: 'the minutes are not circulated', path: '/sessions/s1/minutes/silence-procedure', body: { deadline: '2026-03-20', effectiveOn: '2026-03-05' }, detail: 'session s1: cannot launch a silence procedure: its minutes have not been circulated; circulate them first' },
      { status: 409, code: 'silence-procedure-running', why: 'one already runs', path: '/sessions/s-silence/minutes/silence-procedure', body: { deadline: '2026-03-20', effectiveOn: '2026-03-05' }, detail: SILENCE_RUNNING('s-silence', 'launch a silence procedure') },
      { status: 409, code: 'minutes-adopted', why: 'the minutes are adopted', path: '/sessions/s-adopted/minutes/silence-procedure', body: { deadline: '2026-03-20', effectiveOn: '2026-03-05' }, detail: ADOPTED('s-adopted', 'launch a silence procedure') },
      { status: 422, code: 'deadline-before-launch', why: 'the deadline is before the launch', path: '/sessions/s-circ/minutes/silence-procedure', body: { deadline: '2026-03-01', effectiveOn: '2026-03-05' }, detail: 'session s-circ: the silence deadline 2026-03-01 is before the launch date 2026-03-05' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/minutes/silence-broken',
    path: '/sessions/s-silence-b/minutes/silence-broken',
    stream: 'session-s-silence-b',
    subject: 'session s-silence-b',
    body: { partyId: 'cn', reason: 'objection to paragraph 3', effectiveOn: '2026-02-25' },
    recorded: ['SilenceBroken'],
    invalid: { body: { partyId: 'CN', reason: 'x'.repeat(2001), effectiveOn: '2026-02-25' }, errors: [{ field: 'partyId', message: SLUG }, { field: 'reason', message: 'must be at most 2000 characters long' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/minutes/silence-broken', body: { partyId: 'cn', reason: 'x', effectiveOn: '2026-02-25' }, detail: 'session ghost does not exist' },
      { status: 409, code: 'no-silence-procedure', why: 'no silence procedure runs', path: '/sessions/s-circ/minutes/silence-broken', body: { partyId: 'cn', reason: 'x', effectiveOn: '2026-02-25' }, detail: 'session s-circ: cannot record the silence broken: no silence procedure is running on its minutes (minutes circulated)' },
      { status: 409, code: 'silence-deadline-passed', why: 'after the deadline', path: '/sessions/s-silence/minutes/silence-broken', body: { partyId: 'cn', reason: 'x', effectiveOn: '2026-03-02' }, detail: 'session s-silence: cannot record the silence broken on 2026-03-02: the silence procedure ended on 2026-03-01; adopt the minutes by silence' },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', path: '/sessions/s-silence/minutes/silence-broken', body: { partyId: 'fr', reason: 'x', effectiveOn: '2026-02-25' }, detail: `session s-silence: party fr is not registered on track seg ${REGISTERED}` },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/minutes/adopt',
    path: '/sessions/s-adopt/minutes/adopt',
    stream: 'session-s-adopt',
    subject: 'session s-adopt',
    body: { procedure: 'in_session', atSessionId: 's1', agendaItemId: 'item-1', effectiveOn: '2026-03-05' },
    recorded: ['MinutesAdopted'],
    invalid: { body: { procedure: 'by_vote', atSessionId: 'S1', effectiveOn: '2026-03-05' }, errors: [{ field: 'procedure', message: 'must be one of: in_session, silence' }, { field: 'atSessionId', message: SLUG }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/minutes/adopt', body: { procedure: 'silence', effectiveOn: '2026-03-05' }, detail: 'session ghost does not exist' },
      { status: 409, code: 'minutes-not-circulated', why: 'in session, minutes not circulated', path: '/sessions/s1/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-03-05' }, detail: 'session s1: cannot adopt its minutes in session: its minutes have not been circulated; circulate them first' },
      { status: 409, code: 'silence-procedure-running', why: 'in session while a silence procedure runs', path: '/sessions/s-silence/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-03-05' }, detail: SILENCE_RUNNING('s-silence', 'adopt its minutes in session') },
      { status: 409, code: 'no-silence-procedure', why: 'by silence without a silence procedure', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'silence', effectiveOn: '2026-03-05' }, detail: 'session s-circ: cannot adopt its minutes by silence: no silence procedure is running on its minutes (minutes circulated)' },
      { status: 409, code: 'silence-deadline-not-reached', why: 'by silence before the deadline', path: '/sessions/s-silence/minutes/adopt', body: { procedure: 'silence', effectiveOn: '2026-02-25' }, detail: 'session s-silence: cannot adopt the minutes by silence on 2026-02-25: the silence procedure runs until 2026-03-01' },
      { status: 409, code: 'minutes-adopted', why: 'the minutes are adopted', path: '/sessions/s-adopted/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-03-05' }, detail: ADOPTED('s-adopted', 'adopt its minutes') },
      { status: 422, code: 'at-session-not-allowed', why: 'by silence with atSessionId', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'silence', atSessionId: 's1', effectiveOn: '2026-03-05' }, detail: 'session s-circ: adoption by silence takes place at no session; leave atSessionId and agendaItemId out' },
      { status: 422, code: 'unknown-session', why: 'atSessionId names no session', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's-ghost', effectiveOn: '2026-03-05' }, detail: 'session s-circ: session s-ghost does not exist' },
      { status: 422, code: 'session-of-other-track', why: 'atSessionId of another track', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'in_session', atSessionId: 'o1', effectiveOn: '2026-03-05' }, detail: 'session s-circ: session o1 belongs to track other, not seg' },
      { status: 422, code: 'at-session-not-held', why: 'atSessionId not held', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's-sched', effectiveOn: '2026-03-05' }, detail: 'session s-circ: its minutes cannot be adopted at session s-sched: that session is scheduled, not held' },
      { status: 422, code: 'unknown-agenda-item', why: 'agendaItemId not on that agenda', path: '/sessions/s-circ/minutes/adopt', body: { procedure: 'in_session', atSessionId: 's1', agendaItemId: 'item-9', effectiveOn: '2026-03-05' }, detail: 'session s-circ: agenda item item-9 is not on the agenda of session s1 as held (items: item-1, item-2)' },
    ],
  },
  {
    route: 'POST /sessions/:sessionId/corrections',
    path: '/sessions/s-corr/corrections',
    stream: 'session-s-corr',
    subject: 'session s-corr',
    get body() {
      return correction({ correctionId: 'corr-new', target: { eventId: seeded['held:s-corr'] }, changes: [{ field: 'place', from: 'Bern', to: 'Vienna' }] });
    },
    recorded: ['RecordCorrected'],
    get rejections(): Rejection[] {
      const held = { eventId: seeded['held:s-corr'] };
      return [
        { status: 404, code: 'not-found', why: 'no such session', path: '/sessions/ghost/corrections', body: correction({ target: { eventId: NO_SUCH_EVENT }, changes: [{ field: 'place', from: 'a', to: 'b' }] }), detail: 'session ghost does not exist' },
        { status: 409, code: 'stale-from', why: '`from` is not the current value', body: correction({ target: held, changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }] }), detail: 'session s-corr: correction of place expects it to be "Geneva" but it is "Bern"; reload the record and correct from its current value' },
        { status: 409, code: 'corrigendum-required', why: 'after adoption without a corrigendum', path: '/sessions/s-adopted/corrections', body: correction({ target: { eventId: seeded['held:s-adopted'] }, changes: [{ field: 'place', from: 'Geneva', to: 'Rome' }] }), detail: 'session s-adopted: the minutes of session s-adopted are adopted, so correcting the record of session s-adopted as held needs a corrigendumId' },
        { status: 409, code: 'duplicate-correction', why: 'the correctionId is taken', body: correction({ correctionId: 'corr-seed', target: held, changes: [{ field: 'place', from: 'Bern', to: 'Vienna' }] }), detail: 'session s-corr: correction corr-seed is already recorded; choose a new correctionId' },
        { status: 422, code: 'unknown-target', why: 'no such event in the stream', body: correction({ target: { eventId: NO_SUCH_EVENT }, changes: [{ field: 'place', from: 'Bern', to: 'Vienna' }] }), detail: `session s-corr: there is no event ${NO_SUCH_EVENT} to correct in this stream` },
        { status: 422, code: 'field-not-correctable', why: 'a field that cannot be corrected', body: correction({ target: held, changes: [{ field: 'agenda', from: null, to: [] }] }), detail: 'session s-corr: agenda of a SessionHeld record cannot be corrected; correctable fields: heldOn, place, attendance, headsOfDelegation' },
        { status: 422, code: 'field-not-correctable', why: 'a record that cannot be corrected', body: correction({ target: { eventId: seeded['scheduled:s-corr'] }, changes: [{ field: 'place', from: 'Geneva', to: 'Vienna' }] }), detail: 'session s-corr: a SessionScheduled record cannot be corrected (field place)' },
        { status: 422, code: 'unknown-delegate', why: 'the corrected attendance breaks a guard', body: correction({ target: held, changes: [{ field: 'attendance.cn', from: ['cn-d1'], to: ['cn-d9'] }] }), detail: 'session s-corr: after correction corr-x, delegate cn-d9 (listed for cn) is not registered on track seg; register the delegate first' },
      ];
    },
  },
  {
    route: 'POST /tracks/:trackId/norms',
    path: '/tracks/seg/norms',
    stream: 'norm-n-new',
    subject: 'norm n-new',
    body: { normId: 'n-new', title: 'New norm', summary: 'A new norm.', sourceRef: 'A/70/174', proposedBy: ['us', 'cn'], sessionId: 's1', agendaItemId: 'item-2' },
    recorded: ['NormProposed'],
    invalid: {
      body: { normId: 'n-x', title: '', summary: 'S', sourceRef: 7, proposedBy: [] },
      errors: [{ field: 'title', message: 'must not be blank' }, { field: 'sourceRef', message: 'must be a string' }, { field: 'proposedBy', message: 'must list at least 1 item' }],
    },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/norms', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'] }, detail: 'track ghost does not exist' },
      { status: 409, code: 'already-exists', why: 'the normId is taken', body: { normId: 'n-pos', title: 'T', summary: 'S', proposedBy: ['us'] }, detail: 'norm n-pos already exists' },
      { status: 422, code: 'unknown-party', why: 'a proposer not registered', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us', 'fr'] }, detail: 'norm n-x: party fr is not registered on track seg' },
      { status: 422, code: 'unknown-session', why: 'sessionId names no session', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'], sessionId: 's-ghost' }, detail: 'norm n-x: there is no session s-ghost' },
      { status: 422, code: 'session-not-held', why: 'the session is not held', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'], sessionId: 's-sched' }, detail: 'norm n-x: session s-sched is scheduled, not held' },
      { status: 422, code: 'session-not-held', why: 'the session is of another track', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'], sessionId: 'o1' }, detail: 'norm n-x: session o1 belongs to track other, not seg' },
      { status: 422, code: 'agenda-item-without-session', why: 'agendaItemId without sessionId', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'], agendaItemId: 'item-1' }, detail: 'norm n-x: agendaItemId item-1 needs the sessionId whose agenda it is on' },
      { status: 422, code: 'unknown-agenda-item', why: 'agendaItemId not on the agenda', body: { normId: 'n-x', title: 'T', summary: 'S', proposedBy: ['us'], sessionId: 's1', agendaItemId: 'item-9' }, detail: 'norm n-x: agenda item item-9 is not on the agenda of session s1' },
    ],
  },
  {
    route: 'POST /tracks/:trackId/cbms',
    path: '/tracks/seg/cbms',
    stream: 'cbm-c-new',
    subject: 'cbm c-new',
    body: { cbmId: 'c-new', title: 'Hotline', summary: 'A point-of-contact hotline.', proposedBy: ['cn'], linkedNorms: ['n-pos'], sessionId: 's1' },
    recorded: ['CbmProposed'],
    invalid: { body: { cbmId: 'c-x', title: 'Hotline', proposedBy: ['cn', 'cn'], linkedNorms: ['N POS'] }, errors: [{ field: 'proposedBy', message: 'must not repeat a value' }, { field: 'linkedNorms[0]', message: SLUG }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/cbms', body: { cbmId: 'c-x', title: 'T', proposedBy: ['us'] }, detail: 'track ghost does not exist' },
      { status: 409, code: 'already-exists', why: 'the cbmId is taken', body: { cbmId: 'c-pos', title: 'T', proposedBy: ['us'] }, detail: 'cbm c-pos already exists' },
      { status: 422, code: 'unknown-party', why: 'a proposer not registered', body: { cbmId: 'c-x', title: 'T', proposedBy: ['fr'] }, detail: 'cbm c-x: party fr is not registered on track seg' },
      { status: 422, code: 'unknown-norm', why: 'a linked norm that does not exist', body: { cbmId: 'c-x', title: 'T', proposedBy: ['us'], linkedNorms: ['n-ghost'] }, detail: 'cbm c-x: there is no norm n-ghost on track seg' },
      { status: 422, code: 'unknown-norm', why: 'a linked norm of another track', body: { cbmId: 'c-x', title: 'T', proposedBy: ['us'], linkedNorms: ['n-other'] }, detail: 'cbm c-x: there is no norm n-other on track seg' },
    ],
  },
  {
    route: 'POST /tracks/:trackId/topics',
    path: '/tracks/seg/topics',
    stream: 'topic-tp-new',
    subject: 'topic tp-new',
    body: { topicId: 'tp-new', title: 'Internet governance', summary: 'Who runs the root zone.', sessionId: 's1' },
    recorded: ['TopicOpened'],
    invalid: { body: { topicId: 'tp-x', title: 'T', summary: '', effectiveOn: '2026-02-29' }, errors: [{ field: 'summary', message: 'must not be blank' }, { field: 'effectiveOn', message: DATE }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such track', path: '/tracks/ghost/topics', body: { topicId: 'tp-x', title: 'T' }, detail: 'track ghost does not exist' },
      { status: 409, code: 'already-exists', why: 'the topicId is taken', body: { topicId: 'tp-pos', title: 'T' }, detail: 'topic tp-pos already exists' },
      { status: 422, code: 'unknown-session', why: 'sessionId names no session', body: { topicId: 'tp-x', title: 'T', sessionId: 's-ghost' }, detail: 'topic tp-x: there is no session s-ghost' },
      { status: 422, code: 'session-not-held', why: 'the session was cancelled', body: { topicId: 'tp-x', title: 'T', sessionId: 's-cancelled' }, detail: 'topic tp-x: session s-cancelled is cancelled, not held' },
    ],
  },
  {
    route: 'POST /norms/:id/positions',
    path: '/norms/n-pos/positions',
    stream: 'norm-n-pos',
    subject: 'norm n-pos',
    body: position('st-new', 'cn', 'conditional', { condition: 'in peacetime only', interpretativeStatement: 'Read with A/76/135.', agendaItemId: 'item-2' }),
    recorded: ['PositionStated'],
    invalid: {
      body: { statementId: 'st-x', partyId: 'us', stance: 'maybe', interpretativeStatement: 5, text: 'x', channel: 'telepathy' },
      errors: [
        { field: 'stance', message: 'must be one of: supports, conditional, reserves, opposes, abstains' },
        { field: 'interpretativeStatement', message: 'must be a string' },
        { field: 'channel', message: 'must be one of: oral, written' },
      ],
    },
    rejections: [
      { status: 409, code: 'duplicate-statement', why: 'the statementId is taken', body: position('st-1', 'us', 'supports'), detail: 'norm n-pos: statement st-1 is already recorded; choose a new statementId' },
      { status: 409, code: 'subject-withdrawn', why: 'the norm is withdrawn', path: '/norms/n-wd/positions', body: position('st-9', 'us', 'supports'), detail: WITHDRAWN('norm n-wd') },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: position('st-9', 'fr', 'supports', { delegateId: undefined }), detail: 'norm n-pos: party fr is not registered on track seg' },
      { status: 422, code: 'unknown-delegate', why: 'the delegate is not registered', body: position('st-9', 'us', 'supports', { delegateId: 'us-d9' }), detail: 'norm n-pos: delegate us-d9 is not registered on track seg' },
      { status: 422, code: 'delegate-not-of-party', why: "the delegate is another party's", body: position('st-9', 'us', 'supports', { delegateId: 'cn-d1' }), detail: 'norm n-pos: delegate cn-d1 belongs to cn, not to us' },
      { status: 422, code: 'delegate-not-present', why: 'the delegate did not attend', body: position('st-9', 'us', 'supports', { delegateId: 'us-d2' }), detail: 'norm n-pos: delegate us-d2 did not attend session s1' },
      { status: 422, code: 'session-not-held', why: 'the session is not held', body: position('st-9', 'us', 'supports', { delegateId: undefined, sessionId: 's-sched' }), detail: 'norm n-pos: session s-sched is scheduled, not held' },
    ],
  },
  {
    route: 'POST /cbms/:id/positions',
    path: '/cbms/c-pos/positions',
    stream: 'cbm-c-pos',
    subject: 'cbm c-pos',
    body: position('st-new', 'cn', 'supports', { channel: 'written', communicationRef: 'Note verbale 2026/14', sessionId: undefined, delegateId: undefined }),
    recorded: ['PositionStated'],
    invalid: { body: { statementId: 'st-x', partyId: 'us', stance: 'supports', channel: 'oral', sessionId: 's 1' }, errors: [{ field: 'text', message: 'is required' }, { field: 'sessionId', message: SLUG }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/positions', body: position('st-9', 'us', 'supports'), detail: 'cbm ghost does not exist' },
      { status: 409, code: 'duplicate-statement', why: 'the statementId is taken', body: position('st-1', 'us', 'supports'), detail: 'cbm c-pos: statement st-1 is already recorded; choose a new statementId' },
      { status: 409, code: 'subject-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/positions', body: position('st-9', 'us', 'supports'), detail: WITHDRAWN('cbm c-wd') },
      { status: 422, code: 'delegate-not-present', why: 'the delegate did not attend', body: position('st-9', 'cn', 'supports', { delegateId: 'cn-d2' }), detail: 'cbm c-pos: delegate cn-d2 did not attend session s1' },
    ],
  },
  {
    route: 'POST /topics/:id/positions',
    path: '/topics/tp-pos/positions',
    stream: 'topic-tp-pos',
    subject: 'topic tp-pos',
    body: position('st-new', 'us', 'abstains'),
    recorded: ['PositionStated'],
    invalid: { body: { statementId: 'st-x', partyId: 'us', stance: 'supports', text: 'x', channel: 'oral', effectiveOn: '' }, errors: [{ field: 'effectiveOn', message: DATE }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such topic', path: '/topics/ghost/positions', body: position('st-9', 'us', 'supports'), detail: 'topic ghost does not exist' },
      { status: 409, code: 'duplicate-statement', why: 'the statementId is taken', body: position('st-1', 'us', 'supports'), detail: 'topic tp-pos: statement st-1 is already recorded; choose a new statementId' },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: position('st-9', 'fr', 'supports', { delegateId: undefined }), detail: 'topic tp-pos: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /norms/:id/decisions',
    path: '/norms/n-dec/decisions',
    stream: 'norm-n-dec',
    subject: 'norm n-dec',
    body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1', agendaItemId: 'item-2', text: 'Agreed ad referendum.' },
    recorded: ['DecisionRecorded'],
    invalid: { body: { decisionId: 'dec-1', kind: 'agree_cbm' }, errors: [{ field: 'kind', message: 'must be one of: agree_ad_referendum' }, { field: 'sessionId', message: 'is required' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such norm', path: '/norms/ghost/decisions', body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, detail: 'norm ghost does not exist' },
      { status: 409, code: 'not-under-discussion', why: 'no position stated yet', path: '/norms/n-prop/decisions', body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, detail: 'norm n-prop is proposed: a decision to agree needs it under_discussion (no position stated yet)' },
      { status: 409, code: 'no-consensus', why: 'a party blocks', path: '/norms/n-split/decisions', body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, detail: 'norm n-split: no consensus: cn opposes' },
      { status: 409, code: 'duplicate-decision', why: 'the decisionId is taken', path: '/norms/n-agreed/decisions', body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, detail: 'norm n-agreed: decision dec-1 is already recorded; choose a new decisionId' },
      { status: 409, code: 'subject-withdrawn', why: 'the norm is withdrawn', path: '/norms/n-wd/decisions', body: { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' }, detail: WITHDRAWN('norm n-wd') },
      { status: 422, code: 'unknown-session', why: 'sessionId names no session', body: { decisionId: 'dec-9', kind: 'agree_ad_referendum', sessionId: 's-ghost' }, detail: 'norm n-dec: there is no session s-ghost' },
      { status: 422, code: 'session-not-held', why: 'the session was cancelled', body: { decisionId: 'dec-9', kind: 'agree_ad_referendum', sessionId: 's-cancelled' }, detail: 'norm n-dec: session s-cancelled is cancelled, not held' },
    ],
  },
  {
    route: 'POST /cbms/:id/decisions',
    path: '/cbms/c-dec/decisions',
    stream: 'cbm-c-dec',
    subject: 'cbm c-dec',
    body: { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' },
    recorded: ['DecisionRecorded'],
    invalid: { body: { decisionId: 'DEC', kind: 'agree_cbm', sessionId: 's1', text: '' }, errors: [{ field: 'decisionId', message: SLUG }, { field: 'text', message: 'must not be blank' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/decisions', body: { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'not-under-discussion', why: 'no position stated yet', path: '/cbms/c-prop/decisions', body: { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' }, detail: 'cbm c-prop is proposed: a decision to agree needs it under_discussion (no position stated yet)' },
      { status: 409, code: 'no-consensus', why: 'a party blocks', path: '/cbms/c-split/decisions', body: { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' }, detail: 'cbm c-split: no consensus: cn reserves' },
      { status: 409, code: 'subject-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/decisions', body: { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' }, detail: WITHDRAWN('cbm c-wd') },
      { status: 422, code: 'unknown-session', why: 'sessionId names no session', body: { decisionId: 'dec-9', kind: 'agree_cbm', sessionId: 's-ghost' }, detail: 'cbm c-dec: there is no session s-ghost' },
    ],
  },
  {
    route: 'POST /norms/:id/capital-responses',
    path: '/norms/n-agreed/capital-responses',
    stream: 'norm-n-agreed',
    subject: 'norm n-agreed',
    body: { responseId: 'cap-us', partyId: 'us', response: 'confirmed', communicationRef: 'Note verbale 2026/20', effectiveOn: '2026-03-01' },
    recorded: ['CapitalResponseRecorded'],
    invalid: { body: { responseId: 'cap-us', partyId: 'us', response: 'yes', communicationRef: '', effectiveOn: '2026-03-01' }, errors: [{ field: 'response', message: 'must be one of: confirmed, declined' }, { field: 'communicationRef', message: 'must not be blank' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such norm', path: '/norms/ghost/capital-responses', body: { responseId: 'cap-9', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: 'norm ghost does not exist' },
      { status: 409, code: 'not-agreed-ad-referendum', why: 'the norm is not agreed', path: '/norms/n-pos/capital-responses', body: { responseId: 'cap-9', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: 'norm n-pos is under_discussion: capital responses are recorded only while it is agreed_ad_referendum' },
      { status: 409, code: 'already-confirmed', why: 'the party confirmed already', path: '/norms/n-conf/capital-responses', body: { responseId: 'cap-us-2', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: 'norm n-conf: us has already confirmed it' },
      { status: 409, code: 'duplicate-response', why: 'the responseId is taken', path: '/norms/n-conf/capital-responses', body: { responseId: 'cap-us', partyId: 'cn', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: 'norm n-conf: response cap-us is already recorded; choose a new responseId' },
      { status: 409, code: 'before-status-change', why: 'the response would take effect before the decision to agree', body: { responseId: 'cap-early', partyId: 'us', response: 'confirmed', effectiveOn: '2026-02-01' }, detail: "norm n-agreed: a capital response cannot take effect on 2026-02-01, before the decision that took effect on 2026-02-10; what changes a subject's status is recorded in the order it took effect: use an effectiveOn on or after 2026-02-10" },
      { status: 409, code: 'subject-withdrawn', why: 'the norm is withdrawn', path: '/norms/n-wd/capital-responses', body: { responseId: 'cap-9', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: WITHDRAWN('norm n-wd') },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { responseId: 'cap-fr', partyId: 'fr', response: 'confirmed', effectiveOn: '2026-03-01' }, detail: 'norm n-agreed: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /norms/:id/withdrawal',
    path: '/norms/n-wd-happy/withdrawal',
    stream: 'norm-n-wd-happy',
    subject: 'norm n-wd-happy',
    body: { partyIds: ['us'], reason: 'merged into n-pos', sessionId: 's1' },
    recorded: ['NormWithdrawn'],
    invalid: { body: { partyIds: 'us', reason: '' }, errors: [{ field: 'partyIds', message: 'must be an array' }, { field: 'reason', message: 'must not be blank' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such norm', path: '/norms/ghost/withdrawal', body: { partyIds: ['us'] }, detail: 'norm ghost does not exist' },
      { status: 409, code: 'already-withdrawn', why: 'the norm is withdrawn', path: '/norms/n-wd/withdrawal', body: { partyIds: ['us'] }, detail: 'norm n-wd is already withdrawn' },
      { status: 409, code: 'already-agreed', why: 'the norm is agreed', path: '/norms/n-agreed/withdrawal', body: { partyIds: ['us'] }, detail: 'norm n-agreed is agreed_ad_referendum: it can be withdrawn only before agreement' },
      { status: 422, code: 'not-all-proposers', why: 'a proposer is missing', path: '/norms/n-two/withdrawal', body: { partyIds: ['us'] }, detail: 'norm n-two: a withdrawal needs every proposer; missing cn' },
      { status: 422, code: 'unknown-party', why: 'a party not registered', body: { partyIds: ['us', 'fr'] }, detail: 'norm n-wd-happy: party fr is not registered on track seg' },
      { status: 422, code: 'not-a-proposer', why: 'a party that did not propose it', body: { partyIds: ['us', 'cn'] }, detail: 'norm n-wd-happy: cn did not propose it; a withdrawal is by its proposers (us)' },
    ],
  },
  {
    route: 'POST /cbms/:id/withdrawal',
    path: '/cbms/c-wd-happy/withdrawal',
    stream: 'cbm-c-wd-happy',
    subject: 'cbm c-wd-happy',
    body: { partyIds: ['us'], reason: 'superseded' },
    recorded: ['CbmWithdrawn'],
    invalid: { body: { partyIds: ['us', 'US'] }, errors: [{ field: 'partyIds[1]', message: SLUG }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/withdrawal', body: { partyIds: ['us'] }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'already-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/withdrawal', body: { partyIds: ['us'] }, detail: 'cbm c-wd is already withdrawn' },
      { status: 409, code: 'already-agreed', why: 'the cbm is agreed', path: '/cbms/c-agreed/withdrawal', body: { partyIds: ['us'] }, detail: 'cbm c-agreed is agreed: it can be withdrawn only before agreement' },
      { status: 422, code: 'not-all-proposers', why: 'a proposer is missing', path: '/cbms/c-two/withdrawal', body: { partyIds: ['cn'] }, detail: 'cbm c-two: a withdrawal needs every proposer; missing us' },
      { status: 422, code: 'not-a-proposer', why: 'a party that did not propose it', body: { partyIds: ['cn', 'us'] }, detail: 'cbm c-wd-happy: cn did not propose it; a withdrawal is by its proposers (us)' },
    ],
  },
  {
    route: 'POST /cbms/:id/links',
    path: '/cbms/c-link/links',
    stream: 'cbm-c-link',
    subject: 'cbm c-link',
    body: { normId: 'n-pos', reason: 'the hotline serves the norm', effectiveOn: '2026-03-01' },
    recorded: ['CbmLinkedToNorm'],
    invalid: { body: { normId: 'n-pos', reason: 3, effectiveOn: '2026-03-01', cbmId: 'c-link' }, errors: [{ field: 'cbmId', message: UNKNOWN }, { field: 'reason', message: 'must be a string' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/links', body: { normId: 'n-pos', effectiveOn: '2026-03-01' }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'subject-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/links', body: { normId: 'n-pos', effectiveOn: '2026-03-01' }, detail: WITHDRAWN('cbm c-wd') },
      { status: 409, code: 'already-linked', why: 'the cbm links that norm already', path: '/cbms/c-pos/links', body: { normId: 'n-pos', effectiveOn: '2026-03-01' }, detail: 'cbm c-pos already links norm n-pos' },
      { status: 422, code: 'unknown-norm', why: 'the norm does not exist', body: { normId: 'n-ghost', effectiveOn: '2026-03-01' }, detail: 'cbm c-link: there is no norm n-ghost on track seg' },
      { status: 422, code: 'unknown-norm', why: 'the norm is of another track', body: { normId: 'n-other', effectiveOn: '2026-03-01' }, detail: 'cbm c-link: there is no norm n-other on track seg' },
    ],
  },
  {
    route: 'POST /cbms/:id/implementation-reports',
    path: '/cbms/c-report/implementation-reports',
    stream: 'cbm-c-report',
    subject: 'cbm c-report',
    body: { reportId: 'rep-new', partyId: 'us', text: 'Hotline staffed around the clock.', sessionId: 's1' },
    recorded: ['CbmImplementationReported'],
    invalid: { body: { reportId: 'rep-x', partyId: 'us' }, errors: [{ field: 'text', message: 'is required' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/implementation-reports', body: { reportId: 'rep-9', partyId: 'us', text: 'x' }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'not-agreed', why: 'the cbm is not agreed', path: '/cbms/c-pos/implementation-reports', body: { reportId: 'rep-9', partyId: 'us', text: 'x' }, detail: 'cbm c-pos is under_discussion: implementation can be reported only once it is agreed (and not suspended)' },
      { status: 409, code: 'duplicate-report', why: 'the reportId is taken', path: '/cbms/c-impl/implementation-reports', body: { reportId: 'rep-1', partyId: 'us', text: 'x' }, detail: 'cbm c-impl: report rep-1 is already recorded; choose a new reportId' },
      { status: 409, code: 'subject-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/implementation-reports', body: { reportId: 'rep-9', partyId: 'us', text: 'x' }, detail: WITHDRAWN('cbm c-wd') },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { reportId: 'rep-9', partyId: 'fr', text: 'x' }, detail: 'cbm c-report: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /cbms/:id/suspension',
    path: '/cbms/c-impl/suspension',
    stream: 'cbm-c-impl',
    subject: 'cbm c-impl',
    body: { partyId: 'us', reason: 'line down', effectiveOn: '2026-03-12' },
    recorded: ['CbmSuspended'],
    invalid: { body: { partyId: 'us', sessionId: 'S 1' }, errors: [{ field: 'reason', message: 'is required' }, { field: 'sessionId', message: SLUG }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/suspension', body: { partyId: 'us', reason: 'x' }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'cannot-suspend', why: 'the cbm is not being implemented', path: '/cbms/c-agreed/suspension', body: { partyId: 'us', reason: 'x' }, detail: 'cbm c-agreed is agreed: it can be suspended only while implementing or implemented' },
      { status: 409, code: 'before-status-change', why: 'the suspension would take effect before the implementation report', body: { partyId: 'us', reason: 'x', effectiveOn: '2026-03-02' }, detail: "cbm c-impl: a suspension cannot take effect on 2026-03-02, before the implementation report that took effect on 2026-03-12; what changes a subject's status is recorded in the order it took effect: use an effectiveOn on or after 2026-03-12" },
      { status: 409, code: 'subject-withdrawn', why: 'the cbm is withdrawn', path: '/cbms/c-wd/suspension', body: { partyId: 'us', reason: 'x' }, detail: WITHDRAWN('cbm c-wd') },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { partyId: 'fr', reason: 'x' }, detail: 'cbm c-impl: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /cbms/:id/resumption',
    path: '/cbms/c-susp/resumption',
    stream: 'cbm-c-susp',
    subject: 'cbm c-susp',
    body: { partyId: 'us', reason: 'line restored', effectiveOn: '2026-03-12' },
    recorded: ['CbmResumed'],
    invalid: { body: { partyId: 'us', reason: 'ok', effectiveOn: '03/03/2026' }, errors: [{ field: 'effectiveOn', message: DATE }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/resumption', body: { partyId: 'us', reason: 'x' }, detail: 'cbm ghost does not exist' },
      { status: 409, code: 'not-suspended', why: 'the cbm is not suspended', path: '/cbms/c-agreed/resumption', body: { partyId: 'us', reason: 'x' }, detail: 'cbm c-agreed is agreed: only a suspended cbm can be resumed' },
      { status: 422, code: 'unknown-party', why: 'the party is not registered', body: { partyId: 'fr', reason: 'x' }, detail: 'cbm c-susp: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /norms/:id/corrections',
    path: '/norms/n-pos/corrections',
    stream: 'norm-n-pos',
    subject: 'norm n-pos',
    body: correction({ correctionId: 'corr-new', target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }),
    recorded: ['RecordCorrected'],
    invalid: { body: correction({ target: {}, changes: [] }), errors: [{ field: 'target', message: 'must name exactly one of eventId or statementId' }, { field: 'changes', message: 'must list at least 1 item' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such norm', path: '/norms/ghost/corrections', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'opposes' }] }), detail: 'norm ghost does not exist' },
      { status: 409, code: 'stale-from', why: '`from` is not the current value', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'opposes', to: 'reserves' }] }), detail: 'norm n-pos: correction of stance expects it to be "opposes" but it is "supports"; reload the record and correct from its current value' },
      { status: 409, code: 'corrigendum-required', why: 'a statement at a session whose minutes are adopted', body: correction({ target: { statementId: 'st-adopted' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }), detail: 'norm n-pos: the minutes of session s-adopted are adopted, so correcting statement st-adopted needs a corrigendumId' },
      { status: 409, code: 'duplicate-correction', why: 'the correctionId is taken', body: correction({ correctionId: 'corr-seed', target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }), detail: 'norm n-pos: correction corr-seed is already recorded; choose a new correctionId' },
      { status: 422, code: 'unknown-target', why: 'no such statement', body: correction({ target: { statementId: 'st-ghost' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }), detail: 'norm n-pos: there is no statement st-ghost to correct in this stream' },
      { status: 422, code: 'field-not-correctable', why: 'a field that cannot be corrected', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'channel', from: 'oral', to: 'written' }] }), detail: 'norm n-pos: channel of a PositionStated record cannot be corrected; correctable fields: partyId, delegateId, stance, condition, text, effectiveOn' },
      { status: 422, code: 'invalid-field-path', why: 'a malformed field path', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance..x', from: null, to: 'x' }] }), detail: 'norm n-pos: "stance..x" is not a path into the record (use dotted names such as stance or attendance.cn)' },
      { status: 422, code: 'delegate-not-of-party', why: 'a statement moved to a party its delegate is not of', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'partyId', from: 'us', to: 'cn' }] }), detail: 'norm n-pos: delegate us-d1 belongs to us, not to cn' },
      { status: 422, code: 'unknown-party', why: 'a statement moved to a party not registered', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'partyId', from: 'us', to: 'fr' }] }), detail: 'norm n-pos: party fr is not registered on track seg' },
    ],
  },
  {
    route: 'POST /cbms/:id/corrections',
    // DESIGN §5: corrections are allowed on withdrawn subjects, so the happy path corrects one.
    path: '/cbms/c-wd/corrections',
    stream: 'cbm-c-wd',
    subject: 'cbm c-wd',
    get body() {
      return correction({ correctionId: 'corr-new', target: { eventId: seeded['proposed:c-wd'] }, changes: [{ field: 'title', from: 'Withdrawn CBM', to: 'Staff exchange' }] });
    },
    recorded: ['RecordCorrected'],
    invalid: { body: correction({ target: { eventId: 'nope' }, changes: [{ field: 'title', to: 'x' }] }), errors: [{ field: 'target.eventId', message: 'must be a UUID' }, { field: 'changes[0].from', message: 'is required (null stands for an absent value)' }] },
    get rejections(): Rejection[] {
      const proposed = { eventId: seeded['proposed:c-wd'] };
      return [
        { status: 404, code: 'not-found', why: 'no such cbm', path: '/cbms/ghost/corrections', body: correction({ target: proposed, changes: [{ field: 'title', from: 'a', to: 'b' }] }), detail: 'cbm ghost does not exist' },
        { status: 409, code: 'stale-from', why: '`from` is not the current value', body: correction({ target: proposed, changes: [{ field: 'title', from: 'Hotline', to: 'b' }] }), detail: 'cbm c-wd: correction of title expects it to be "Hotline" but it is "Withdrawn CBM"; reload the record and correct from its current value' },
        { status: 422, code: 'unknown-target', why: 'no such statement', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }), detail: 'cbm c-wd: there is no statement st-1 to correct in this stream' },
      ];
    },
  },
  {
    route: 'POST /topics/:id/corrections',
    path: '/topics/tp-pos/corrections',
    stream: 'topic-tp-pos',
    subject: 'topic tp-pos',
    body: correction({ correctionId: 'corr-new', target: { statementId: 'st-1' }, changes: [{ field: 'text', from: 'cn reserves', to: 'China reserves its position.' }], requestedBy: 'cn' }),
    recorded: ['RecordCorrected'],
    invalid: { body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'text', from: 'a', to: 'b' }, { field: 'text', from: 'b', to: 'c' }], corrigendumId: '' }), errors: [{ field: 'changes', message: 'must not repeat a field' }, { field: 'corrigendumId', message: 'must not be blank' }] },
    rejections: [
      { status: 404, code: 'not-found', why: 'no such topic', path: '/topics/ghost/corrections', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'text', from: 'a', to: 'b' }] }), detail: 'topic ghost does not exist' },
      { status: 409, code: 'stale-from', why: '`from` is not the current value', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'opposes' }] }), detail: 'topic tp-pos: correction of stance expects it to be "supports" but it is "reserves"; reload the record and correct from its current value' },
      { status: 422, code: 'condition-required', why: 'the corrected stance needs a condition', body: correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'reserves', to: 'conditional' }] }), detail: 'topic tp-pos: a conditional stance needs its condition' },
    ],
  },
];

describe('every route × every status it can answer (e2e)', () => {
  let t: E2eApp;
  const auth = { Authorization: `Bearer ${CLERK_TOKEN}` };

  const head = async (): Promise<string | null> => t.store.headPosition();
  const revisionOf = async (streamId: string): Promise<number> => (await readStreamOrEmpty(t.store, streamId)).length - 1;

  /** Sends a command that must be refused with exactly this problem, and checks nothing was appended. */
  const expectRefused = async (
    send: () => Promise<Response>,
    expected: { status: number; code: string; detail: string | RegExp; errors?: readonly FieldError[] },
  ): Promise<Response> => {
    const before = await head();
    const response = await send();
    const body = {
      type: problemType(expected.code),
      title: titleOf(expected.code),
      status: expected.status,
      detail: typeof expected.detail === 'string' ? expected.detail : expect.stringMatching(expected.detail),
      ...(expected.errors !== undefined ? { errors: expected.errors } : {}),
    };
    expect({ status: response.status, contentType: response.headers['content-type'], body: response.body }).toEqual({ status: expected.status, contentType: PROBLEM_JSON, body });
    expect(await head()).toBe(before);
    return response;
  };

  /** `the request has 2 invalid fields: a, b`: the detail names every field `errors` lists. */
  const invalidDetail = (errors: readonly FieldError[]): string =>
    `the request has ${errors.length} invalid ${errors.length === 1 ? 'field' : 'fields'}: ${errors.map((error) => error.field).join(', ')}`;

  beforeAll(async () => {
    t = await startApp();
    t.fixClock(NOW);
    const at = (sessionId: string) => ({ sessionId, delegateId: 'us-d1' });
    await givenTrack(t, 'seg');
    await givenTrack(t, 'reg');
    await ok(t, '/tracks', { trackId: 'other', name: 'Other track', effectiveOn: '2026-01-05' }, { 'Idempotency-Key': SEED_KEY });
    await ok(t, '/tracks/other/parties', { partyId: 'us', name: 'United States', effectiveOn: '2026-01-05' });
    await ok(t, '/tracks/other/sessions', { sessionId: 'o1', number: 1, place: 'Paris', scheduledFor: '2026-02-01' });
    await ok(t, '/sessions/o1/held', { heldOn: '2026-02-01', place: 'Paris', agenda: [], attendance: {} });
    await ok(t, '/tracks/other/norms', { normId: 'n-other', title: 'Other norm', summary: 'S', proposedBy: ['us'] });

    await givenHeldSession(t, 'seg', 's1', 1, '2026-02-10');
    await ok(t, '/sessions/s1/decisions', { decisionId: 'dec-1', kind: 'procedural', text: 'Agenda adopted.' });
    for (const actionItemId of ['ai-1', 'ai-open', 'ai-done']) await ok(t, '/sessions/s1/action-items', { actionItemId, assignee: 'secretariat', text: 'Do it' });
    await ok(t, '/sessions/s1/action-items/ai-done/complete', { effectiveOn: '2026-02-20' });
    let number = 2;
    const schedule = (sessionId: string) => ok(t, '/tracks/seg/sessions', { sessionId, number: number++, place: 'Geneva', scheduledFor: '2026-06-01' });
    for (const sessionId of ['s-sched', 's-cancelled', 's-resched', 's-cancel', 's-hold']) await schedule(sessionId);
    await ok(t, '/sessions/s-cancelled/cancel', { reason: 'strike', effectiveOn: '2026-02-01' });
    const held = async (sessionId: string, heldOn: string, minutes: 'none' | 'circulated' | 'silence' | 'adopted' = 'none') => {
      await givenHeldSession(t, 'seg', sessionId, number++, heldOn);
      if (minutes === 'none') return;
      await ok(t, `/sessions/${sessionId}/minutes/circulate`, { effectiveOn: heldOn });
      if (minutes === 'silence') await ok(t, `/sessions/${sessionId}/minutes/silence-procedure`, { deadline: '2026-03-01', effectiveOn: heldOn });
      if (minutes === 'adopted') await ok(t, `/sessions/${sessionId}/minutes/adopt`, { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-02-14' });
    };
    await held('s-adopted', '2026-02-12', 'adopted');
    await held('s-circ', '2026-02-15', 'circulated');
    await held('s-silence', '2026-02-17', 'silence');
    await held('s-silence-b', '2026-02-17', 'silence');
    await held('s-sp', '2026-02-18', 'circulated');
    await held('s-adopt', '2026-02-18', 'circulated');
    await held('s-circ-happy', '2026-02-19');
    await held('s-corr', '2026-02-20');
    const [scheduled, heldEvent] = await t.store.readStream('session-s-corr');
    seeded['scheduled:s-corr'] = scheduled!.eventId;
    seeded['held:s-corr'] = heldEvent!.eventId;
    seeded['held:s-adopted'] = (await t.store.readStream('session-s-adopted'))[1]!.eventId;
    await ok(t, '/sessions/s-corr/corrections', correction({ correctionId: 'corr-seed', target: { eventId: seeded['held:s-corr'] }, changes: [{ field: 'place', from: 'Geneva', to: 'Bern' }] }));

    const norm = (normId: string, proposedBy = ['us']) => ok(t, '/tracks/seg/norms', { normId, title: `Norm ${normId}`, summary: 'A norm.', proposedBy, sessionId: 's1' });
    const cbm = (cbmId: string, extra: Body = {}) => ok(t, '/tracks/seg/cbms', { cbmId, title: cbmId === 'c-wd' ? 'Withdrawn CBM' : `CBM ${cbmId}`, proposedBy: ['us'], sessionId: 's1', ...extra });
    const stances = async (path: string, us: string, cn: string) => {
      await ok(t, `${path}/positions`, position('st-1', 'us', us));
      await ok(t, `${path}/positions`, position('st-2', 'cn', cn));
    };
    for (const normId of ['n-pos', 'n-prop', 'n-wd', 'n-wd-happy', 'n-dec', 'n-split', 'n-agreed', 'n-conf']) await norm(normId);
    await norm('n-two', ['us', 'cn']);
    await ok(t, '/norms/n-pos/positions', position('st-1', 'us', 'supports'));
    await ok(t, '/norms/n-pos/positions', position('st-adopted', 'us', 'supports', at('s-adopted')));
    await ok(t, '/norms/n-pos/corrections', correction({ correctionId: 'corr-seed', target: { statementId: 'st-1' }, changes: [{ field: 'text', from: 'us supports', to: 'The United States supports it.' }] }));
    await ok(t, '/norms/n-wd/withdrawal', { partyIds: ['us'] });
    await stances('/norms/n-dec', 'supports', 'supports');
    await stances('/norms/n-split', 'supports', 'opposes');
    for (const normId of ['n-agreed', 'n-conf']) {
      await stances(`/norms/${normId}`, 'supports', 'supports');
      await ok(t, `/norms/${normId}/decisions`, { decisionId: 'dec-1', kind: 'agree_ad_referendum', sessionId: 's1' });
    }
    await ok(t, '/norms/n-conf/capital-responses', { responseId: 'cap-us', partyId: 'us', response: 'confirmed', effectiveOn: '2026-03-01' });

    await cbm('c-pos', { linkedNorms: ['n-pos'] });
    await ok(t, '/cbms/c-pos/positions', position('st-1', 'us', 'supports'));
    for (const cbmId of ['c-prop', 'c-wd', 'c-wd-happy', 'c-dec', 'c-split', 'c-agreed', 'c-report', 'c-impl', 'c-susp', 'c-link']) await cbm(cbmId);
    await cbm('c-two', { proposedBy: ['us', 'cn'] });
    seeded['proposed:c-wd'] = (await t.store.readStream('cbm-c-wd'))[0]!.eventId;
    await ok(t, '/cbms/c-wd/withdrawal', { partyIds: ['us'] });
    await stances('/cbms/c-dec', 'supports', 'supports');
    await stances('/cbms/c-split', 'supports', 'reserves');
    for (const cbmId of ['c-agreed', 'c-report', 'c-impl', 'c-susp']) {
      await stances(`/cbms/${cbmId}`, 'supports', 'supports');
      await ok(t, `/cbms/${cbmId}/decisions`, { decisionId: 'dec-1', kind: 'agree_cbm', sessionId: 's1' });
    }
    for (const cbmId of ['c-impl', 'c-susp']) await ok(t, `/cbms/${cbmId}/implementation-reports`, { reportId: 'rep-1', partyId: 'cn', text: 'Hotline set up.' });
    await ok(t, '/cbms/c-susp/suspension', { partyId: 'us', reason: 'line down', effectiveOn: '2026-03-12' });

    await ok(t, '/tracks/seg/topics', { topicId: 'tp-pos', title: 'Internet governance', sessionId: 's1' });
    await ok(t, '/topics/tp-pos/positions', position('st-1', 'cn', 'reserves'));
  }, 60_000);

  afterAll(async () => {
    await t.close();
    removeDataDir(t.dataDir);
  });

  it('inventories every command route of DESIGN.md §7 once', () => {
    expect(COMMANDS.map((c) => c.route)).toEqual([...new Set(COMMANDS.map((c) => c.route))]);
    expect(COMMANDS).toHaveLength(34);
    expect(Object.keys(COVERED_ELSEWHERE).length).toBeGreaterThan(0);
  });

  for (const c of COMMANDS) {
    describe(c.route, () => {
      if (c.invalid !== undefined) {
        const { body, errors } = c.invalid;
        it('400 invalid-request: the exact problem, every invalid field listed', async () => {
          await expectRefused(() => t.post(c.path, body), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
        });
      }

      it('400 invalid-request: a malformed If-Match or Idempotency-Key is named', async () => {
        for (const [header, value, message] of [
          ['If-Match', '"3', IF_MATCH],
          ['Idempotency-Key', 'k'.repeat(129), 'must be 1 to 128 visible ASCII characters'],
        ] as const) {
          const errors = [{ field: header, message }];
          await expectRefused(() => t.post(c.path, c.body, { [header]: value }), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
        }
      });

      c.rejections.forEach((named, index) => {
        it(`${named.status} ${named.code}: ${named.why}`, async () => {
          // Read again now: some bodies name event ids the seed has only just learnt.
          const rejection = c.rejections[index]!;
          await expectRefused(() => t.post(rejection.path ?? c.path, rejection.body), rejection);
        });
      });

      it('412 revision-mismatch: If-Match names another revision', async () => {
        const revision = await revisionOf(c.stream);
        const stale = Math.max(revision, 0) + 5;
        // A stream still to be created has no revision: the problem says so, not "revision -1".
        const detail = revision < 0
          ? `${c.subject} does not exist yet (If-Match W/"${stale}" expects revision ${stale}): send the command without If-Match to create it`
          : `${c.subject} is at revision ${revision}, not ${stale}: reload it and decide again`;
        await expectRefused(() => t.post(c.path, c.body, { 'If-Match': `W/"${stale}"` }), { status: 412, code: 'revision-mismatch', detail });
      });

      it('422 idempotency-key-reused: the Idempotency-Key of another request', async () => {
        await expectRefused(() => t.post(c.path, c.body, { 'Idempotency-Key': SEED_KEY }), {
          status: 422,
          code: 'idempotency-key-reused',
          detail: `Idempotency-Key "${SEED_KEY}" was already used for a different request; use a new key for a new request`,
        });
      });

      it(`201 ${c.recorded.join(', ')}: ETag, If-Match of the current revision; a retry with the Idempotency-Key answers the first response and appends nothing`, async () => {
        const revision = await revisionOf(c.stream);
        const key = `happy ${c.route}`;
        const headers: Record<string, string> = { 'Idempotency-Key': key, ...(revision >= 0 ? { 'If-Match': `W/"${revision}"` } : {}) };
        const before = BigInt((await head()) ?? '0');
        const first = await t.post(c.path, c.body, headers);
        const last = revision + c.recorded.length;
        expect({ status: first.status, body: first.body }).toEqual({
          status: 201,
          body: {
            streamId: c.stream,
            revision: last,
            position: String(before + BigInt(c.recorded.length)),
            recordedAt: NOW,
            events: c.recorded.map((type, index) => ({ eventId: expect.any(String), type, revision: revision + 1 + index })),
          },
        });
        expect(first.headers['content-type']).toMatch(/^application\/json/);
        expect(first.headers.etag).toBe(`W/"${last}"`);
        expect(await head()).toBe(first.body.position);
        const stored = await t.store.readStream(c.stream, { fromRevision: revision + 1 });
        expect(stored.map((event) => [event.eventId, (event.metadata as LedgerMetadata).idempotencyKey])).toEqual(first.body.events.map((event: { eventId: string }) => [event.eventId, key]));

        // The retry carries the now stale If-Match: a replay is answered before any check.
        const retry = await t.post(c.path, c.body, headers);
        expect({ status: retry.status, body: retry.body, etag: retry.headers.etag }).toEqual({ status: 201, body: first.body, etag: first.headers.etag });
        expect(await head()).toBe(first.body.position);
      });
    });
  }

  it('documents, in the OpenAPI document, every status this spec sees each command route answer', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body as { paths: Record<string, { post?: { responses: Record<string, unknown> } }> };
    const documented = new Map(Object.entries(document.paths).map(([path, item]) => [`POST ${path.replace(/\{[^}]+\}/g, ':')}`, Object.keys(item.post?.responses ?? {})]));
    const missing = COMMANDS.flatMap((c) => {
      const statuses = new Set(['201', '400', '412', '422', ...c.rejections.map((rejection) => String(rejection.status))]);
      const responses = documented.get(c.route.replace(/:[A-Za-z]+/g, ':')) ?? [];
      return [...statuses].filter((status) => !responses.includes(status)).map((status) => `${c.route} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  describe('queries', () => {
    // 200 and 404 of every query, and 400 of GET /tracks, /tracks/:id/board and /norms/:id: queries.e2e.spec.ts.
    it.each([
      ['GET /tracks/:trackId', '/tracks/seg?asOf=2026-02-30', [{ field: 'asOf', message: DATE }]],
      ['GET /tracks/:trackId/matrix', '/tracks/seg/matrix?knownAt=noon', [{ field: 'knownAt', message: 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)' }]],
      ['GET /tracks/:trackId/sessions', '/tracks/seg/sessions?asOf=2026-02-01&when=now', [{ field: 'when', message: UNKNOWN }]],
      ['GET /sessions/:id', '/sessions/s1?asOf=2026-2-1&knownAt=2026-02-01T10:00:00', [{ field: 'asOf', message: DATE }, { field: 'knownAt', message: 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)' }]],
      ['GET /cbms/:id', '/cbms/c-pos?asOf=yesterday', [{ field: 'asOf', message: DATE }]],
      ['GET /topics/:id', '/topics/tp-pos?knownAt=2026-02-30', [{ field: 'knownAt', message: 'must be an ISO-8601 timestamp with a time zone (2026-03-12T09:30:00Z) or a date YYYY-MM-DD (the end of that day, UTC)' }]],
      ['GET /norms/:id', '/norms/n-pos?knownAt=9999-12-31T23:59:59-14:00', [{ field: 'knownAt', message: 'must fall within the years 0000 to 9999 once converted to UTC' }]],
      ['GET /tracks/:trackId/board', '/tracks/seg/board?knownAt=0000-01-01T00:00:00%2B01:00', [{ field: 'knownAt', message: 'must fall within the years 0000 to 9999 once converted to UTC' }]],
      // Repeated, a parameter arrives as a list: named as repeated, not as "must be a string".
      ['GET /tracks/:trackId/board', '/tracks/seg/board?asOf=2026-03-01&asOf=2026-03-02&knownAt=2026-03-05&knownAt=', [{ field: 'asOf', message: TWICE }, { field: 'knownAt', message: TWICE }]],
      ['GET /norms/:id', '/norms/n-pos?knownAt=noon&knownAt=noon', [{ field: 'knownAt', message: TWICE }]],
    ])('%s 400 invalid-request: %s', async (_route, path, errors) => {
      const response = await t.http().get(path).set(auth);
      expect({ status: response.status, contentType: response.headers['content-type'], body: response.body }).toEqual({
        status: 400,
        contentType: PROBLEM_JSON,
        body: { type: problemType('invalid-request'), title: 'Invalid request', status: 400, detail: invalidDetail(errors), errors },
      });
    });

    it.each([
      ['/tracks', '?asOf=&knownAt='],
      ['/tracks/seg/board', '?asOf=&knownAt='],
      ['/tracks/seg/matrix', '?asOf='],
      ['/sessions/s1', '?knownAt='],
      ['/norms/n-pos', '?asOf=&knownAt='],
    ])('GET %s%s: an empty parameter is an absent one (DESIGN §7 writes ?asOf=&knownAt=), the same answer as without', async (path, query) => {
      const plain = await t.http().get(path).set(auth);
      const empty = await t.http().get(`${path}${query}`).set(auth);
      expect(plain.status).toBe(200);
      expect({ status: empty.status, body: empty.body }).toEqual({ status: 200, body: plain.body });
    });

    it('GET /tracks/seg/board?asOf=&when=now: an unknown parameter with a value is still named, an empty one is not', async () => {
      const response = await t.http().get('/tracks/seg/board?asOf=&when=now&also=').set(auth);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'when', message: UNKNOWN }]);
    });

    it('GET /tracks/:trackId/board/live 404 not-found: no such track, as problem+json before any stream opens', async () => {
      const response = await t.http().get('/tracks/ghost/board/live').set(auth);
      expect({ status: response.status, contentType: response.headers['content-type'], body: response.body }).toEqual({
        status: 404,
        contentType: PROBLEM_JSON,
        body: { type: problemType('not-found'), title: 'Not found', status: 404, detail: 'track ghost does not exist' },
      });
    });
  });

  describe('POST /{norms|cbms|topics}/:id/positions: `conditional` needs `condition` (DESIGN §2), a field of the body, so a 400 names it', () => {
    it.each([
      ['/norms/n-pos/positions', 'norm-n-pos'],
      ['/cbms/c-pos/positions', 'cbm-c-pos'],
      ['/topics/tp-pos/positions', 'topic-tp-pos'],
    ])('%s 400 invalid-request without it, absent or null, and nothing is recorded', async (path, stream) => {
      const before = await t.store.readStream(stream);
      for (const [body, message] of [
        [position('st-cond', 'us', 'conditional'), 'is required with stance conditional'],
        [{ ...position('st-cond', 'us', 'conditional'), condition: null }, 'must not be null when given'],
        [{ ...position('st-cond', 'us', 'conditional'), condition: '  ' }, 'must not be blank'],
      ] as const) {
        const errors = [{ field: 'condition', message }];
        await expectRefused(() => t.post(path, body), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
      }
      expect(await t.store.readStream(stream)).toEqual(before);
    });
  });

  describe('POST /audit/checkpoints', () => {
    // 201 (clerk or auditor): audit-http.e2e.spec.ts; 401/403: access-matrix.spec.ts.
    it('400 invalid-request: a malformed If-Match is named', async () => {
      const errors = [{ field: 'If-Match', message: IF_MATCH }];
      await expectRefused(() => t.post('/audit/checkpoints', undefined, { 'If-Match': 'yesterday' }), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
    });

    it('412 revision-mismatch: If-Match names another revision of the checkpoint stream', async () => {
      await expectRefused(() => t.post('/audit/checkpoints', undefined, { 'If-Match': 'W/"7"' }), { status: 412, code: 'revision-mismatch', detail: 'the checkpoint stream does not exist yet (If-Match W/"7" expects revision 7): send the command without If-Match to create it' });
    });

    it('422 idempotency-key-reused: the Idempotency-Key of another request', async () => {
      await expectRefused(() => t.post('/audit/checkpoints', undefined, { 'Idempotency-Key': SEED_KEY }), {
        status: 422,
        code: 'idempotency-key-reused',
        detail: `Idempotency-Key "${SEED_KEY}" was already used for a different request; use a new key for a new request`,
      });
    });
  });

  describe('500: an unexpected error', () => {
    it('answers a generic internal-error problem that leaks nothing, logs the error with its correlation id, appends nothing; the retry records', async () => {
      const secret = 'SQLITE_IOERR: disk I/O error writing /srv/ledger/secret-path.db';
      const append = jest.spyOn(t.store, 'append').mockRejectedValueOnce(new Error(secret));
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const body = position('st-500', 'us', 'abstains');
      const headers = { 'X-Correlation-Id': 'corr-500', 'Idempotency-Key': 'key-500' };
      try {
        const response = await expectRefused(() => t.post('/norms/n-pos/positions', body, headers), {
          status: 500,
          code: 'internal-error',
          detail: 'an unexpected error occurred; quote correlation id corr-500 when reporting it',
        });
        expect(response.headers['x-correlation-id']).toBe('corr-500');
        expect(response.text).not.toMatch(/SQLITE|secret-path|disk I\/O|\bat \S+ \(/);
        expect(append).toHaveBeenCalledTimes(1);
        const lines = logged.mock.calls.map((call) => String(call[0]));
        expect(lines).toEqual([expect.stringMatching(/^POST \/norms\/n-pos\/positions \[corr-500\]: Error: SQLITE_IOERR: disk I\/O error writing \/srv\/ledger\/secret-path\.db\n\s+at /)]);
      } finally {
        append.mockRestore();
        logged.mockRestore();
      }
      // Nothing was recorded under the key, so the same request now records, in the hash chain.
      const revision = await revisionOf('norm-n-pos');
      const retry = await t.post('/norms/n-pos/positions', body, headers);
      expect({ status: retry.status, revision: retry.body.revision }).toEqual({ status: 201, revision: revision + 1 });
      const [previous, recorded] = await t.store.readStream('norm-n-pos', { fromRevision: revision });
      expect((recorded!.metadata as LedgerMetadata).prevHash).toBe((previous!.metadata as LedgerMetadata).hash);
    });
  });

  describe('500 on a query', () => {
    it('answers the same generic problem when a read model throws, and logs it', async () => {
      const board = jest.spyOn(ReadModelQueries.prototype, 'board').mockImplementationOnce(() => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed (/srv/ledger/read-models.db)');
      });
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const response = await t.http().get('/tracks/seg/board').set(auth).set('X-Correlation-Id', 'corr-500-q');
        expect({ status: response.status, contentType: response.headers['content-type'], body: response.body }).toEqual({
          status: 500,
          contentType: PROBLEM_JSON,
          body: { type: problemType('internal-error'), title: 'Internal error', status: 500, detail: 'an unexpected error occurred; quote correlation id corr-500-q when reporting it' },
        });
        expect(response.text).not.toMatch(/SQLITE|read-models\.db|malformed/);
        expect(logged.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/^GET \/tracks\/seg\/board \[corr-500-q\]: Error: SQLITE_CORRUPT/)]);
      } finally {
        board.mockRestore();
        logged.mockRestore();
      }
      expect((await t.http().get('/tracks/seg/board').set(auth)).status).toBe(200);
    });
  });

  /*
   * Bugs this inventory found (first pinned here as `it.failing` reproductions), now fixed: each
   * test is the regression test of its bug.
   */
  describe('regressions of bugs found by this inventory', () => {
    /*
     * `field()` applied class-validator's IsOptional(), which skips null as well as undefined, so
     * null reached the handlers: 500 (provisionalAgenda), a 422 about "host party null", or null
     * recorded in an event where optional fields are absent, never null.
     */
    const nullRefused = (field: string) => {
      const errors = [{ field, message: 'must not be null when given' }];
      return { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors };
    };

    it('400, not 500: null for an optional list (provisionalAgenda of POST /tracks/:trackId/sessions)', async () => {
      await expectRefused(() => t.post('/tracks/seg/sessions', { sessionId: 's-null-1', number: 30, place: 'Rome', scheduledFor: '2026-09-01', provisionalAgenda: null }), nullRefused('provisionalAgenda'));
    });

    it('400, not 422 "host party null is not registered": null for an optional id (hostPartyId)', async () => {
      await expectRefused(() => t.post('/tracks/seg/sessions', { sessionId: 's-null-2', number: 31, place: 'Rome', hostPartyId: null, scheduledFor: '2026-09-01' }), nullRefused('hostPartyId'));
    });

    it('400, not 201 recording `mandateRef: null` in TrackEstablished (optional fields are absent, never null)', async () => {
      await expectRefused(() => t.post('/tracks', { trackId: 't-null', name: 'Null track', mandateRef: null, effectiveOn: '2026-01-05' }), nullRefused('mandateRef'));
    });

    /** Every optional body field (DESIGN §7 `?`) of a spread of routes: ids, texts, dates, lists, records, nested. */
    const OPTIONAL_FIELDS: ReadonlyArray<readonly [path: string, body: Body, optional: readonly string[]]> = [
      ['/tracks', { trackId: 't-null', name: 'Null track', effectiveOn: '2026-01-05' }, ['mandateRef', 'cadence']],
      ['/tracks/reg/delegates', { delegateId: 'us-d7', partyId: 'us', agencyId: 'us-mfa', effectiveOn: '2026-01-05' }, ['role', 'name']],
      ['/tracks/seg/sessions', { sessionId: 's-null', number: 40, place: 'Rome', scheduledFor: '2026-09-01' }, ['hostPartyId', 'provisionalAgenda', 'effectiveOn']],
      ['/sessions/s-hold/held', { heldOn: '2026-06-01', place: 'Geneva', agenda: [], attendance: {} }, ['headsOfDelegation', 'effectiveOn']],
      ['/sessions/s1/decisions', { decisionId: 'dec-null', kind: 'procedural', text: 'x' }, ['agendaItemId', 'effectiveOn']],
      ['/sessions/s1/action-items', { actionItemId: 'ai-null', assignee: 'x', text: 'x' }, ['dueOn', 'effectiveOn']],
      ['/sessions/s1/action-items/ai-open/complete', { effectiveOn: '2026-03-01' }, ['note']],
      ['/sessions/s-circ/minutes/adopt', { procedure: 'in_session', atSessionId: 's1', effectiveOn: '2026-03-05' }, ['atSessionId', 'agendaItemId']],
      ['/tracks/seg/cbms', { cbmId: 'c-null', title: 'T', proposedBy: ['us'] }, ['summary', 'sourceRef', 'linkedNorms', 'sessionId', 'agendaItemId', 'effectiveOn']],
      ['/norms/n-pos/positions', position('st-null', 'us', 'supports'), ['delegateId', 'condition', 'interpretativeStatement', 'communicationRef', 'sessionId', 'agendaItemId', 'effectiveOn']],
      ['/norms/n-dec/decisions', { decisionId: 'dec-null', kind: 'agree_ad_referendum', sessionId: 's1' }, ['agendaItemId', 'text', 'effectiveOn']],
      ['/norms/n-prop/withdrawal', { partyIds: ['us'] }, ['reason', 'sessionId', 'agendaItemId', 'effectiveOn']],
      ['/norms/n-pos/corrections', correction({ target: { statementId: 'st-1' }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] }), ['corrigendumId', 'effectiveOn']],
    ];

    it.each(OPTIONAL_FIELDS)('POST %s: null for any optional field is a 400 naming it, nothing appended', async (path, body, optional) => {
      for (const field of optional) await expectRefused(() => t.post(path, { ...body, [field]: null }), nullRefused(field));
      // All at once: one 400 that names every one of them, in the order the route declares them.
      const errors = optional.map((field) => ({ field, message: 'must not be null when given' }));
      await expectRefused(() => t.post(path, { ...body, ...Object.fromEntries(optional.map((field) => [field, null])) }), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
    });

    it('POST /norms/:id/corrections: a null target id beside the other one is named, nested', async () => {
      await expectRefused(
        () => t.post('/norms/n-pos/corrections', correction({ target: { statementId: 'st-1', eventId: null }, changes: [{ field: 'stance', from: 'supports', to: 'reserves' }] })),
        nullRefused('target.eventId'),
      );
    });

    /*
     * The CommandCtx decorator threw on a bad If-Match / Idempotency-Key before the body's problems
     * were gathered, so `errors` named the header alone (DESIGN §7: `errors` lists each field).
     */
    it('400 lists the invalid fields of the body and of the headers together', async () => {
      const response = await t.post('/tracks/other/parties', { partyId: 'RU' }, { 'If-Match': 'yesterday' });
      expect(response.status).toBe(400);
      expect(response.body.errors).toHaveLength(4);
      expect(response.body.errors).toEqual(expect.arrayContaining([
        { field: 'If-Match', message: IF_MATCH },
        { field: 'partyId', message: SLUG },
        { field: 'name', message: 'is required' },
        { field: 'effectiveOn', message: 'is required' },
      ]));
    });

    it('400 lists both bad headers and every bad body field, headers first, in one exact problem; nothing appended', async () => {
      const errors = [
        { field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' },
        { field: 'If-Match', message: IF_MATCH },
        { field: 'flag', message: UNKNOWN },
        { field: 'partyId', message: SLUG },
        { field: 'name', message: 'must not be blank' },
        { field: 'effectiveOn', message: DATE },
      ];
      await expectRefused(() => t.post('/tracks/other/parties', { partyId: 'RU', name: '', effectiveOn: '05/01/2026', flag: true }, { 'If-Match': '"3', 'Idempotency-Key': 'k'.repeat(129) }), {
        status: 400,
        code: 'invalid-request',
        detail: invalidDetail(errors),
        errors,
      });
    });

    it('400 lists a bad header with a body that is not an object, and with the nested fields of a body', async () => {
      const notObject = [{ field: 'If-Match', message: IF_MATCH }, { field: '(body)', message: 'must be a JSON object' }];
      await expectRefused(() => t.post('/tracks/other/parties', ['us'], { 'If-Match': 'nope' }), { status: 400, code: 'invalid-request', detail: invalidDetail(notObject), errors: notObject });
      const nested = [{ field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' }, { field: 'provisionalAgenda[0].itemId', message: SLUG }];
      await expectRefused(
        () => t.post('/tracks/seg/sessions', { sessionId: 's-hdr', number: 41, place: 'Rome', scheduledFor: '2026-09-01', provisionalAgenda: [{ itemId: 'Item 1', title: 'Opening' }] }, { 'Idempotency-Key': '' }),
        { status: 400, code: 'invalid-request', detail: invalidDetail(nested), errors: nested },
      );
    });

    it('POST /audit/checkpoints: a bad header and an unknown body field, in one 400', async () => {
      const errors = [{ field: 'If-Match', message: IF_MATCH }, { field: 'upTo', message: UNKNOWN }];
      await expectRefused(() => t.post('/audit/checkpoints', { upTo: '3' }, { 'If-Match': 'latest' }), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
    });

    /*
     * On a replay handleCommand answers before calling `command`, so the answer carried the
     * checkpoint computed for the retry (a new issuedAt and signature), not the one recorded.
     */
    it('POST /audit/checkpoints: a retry with the Idempotency-Key answers the first response', async () => {
      const headers = { 'Idempotency-Key': 'checkpoint-key-1' };
      const first = await t.post('/audit/checkpoints', undefined, headers);
      expect(first.status).toBe(201);
      const position = await head();
      t.fixClock('2026-03-13T10:00:00.000Z');
      try {
        const retry = await t.post('/audit/checkpoints', undefined, headers);
        expect(await head()).toBe(position);
        expect(retry.body).toEqual(first.body);
      } finally {
        t.fixClock(NOW);
      }
      // What both answered is what was recorded.
      const [recorded] = await t.store.readStream('ledger-checkpoints', { direction: 'backwards', maxCount: 1 });
      expect({ eventId: recorded!.eventId, data: recorded!.data }).toEqual({ eventId: first.body.events[0].eventId, data: first.body.checkpoint });
    });

    it('POST /audit/checkpoints: no body and {} are the same request for an Idempotency-Key', async () => {
      const headers = { 'Idempotency-Key': 'checkpoint-key-2' };
      const first = await t.post('/audit/checkpoints', undefined, headers);
      expect(first.status).toBe(201);
      const position = await head();
      const retry = await t.post('/audit/checkpoints', {}, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(await head()).toBe(position);
    });

    /*
     * POST /audit/checkpoints took no body parameter, so a body with any fields was ignored
     * (DESIGN §7: unknown fields are a 400). /audit/verify and /projections/rebuild: audit-http.e2e.spec.ts.
     */
    it('POST /audit/checkpoints: a body with fields is a 400 naming each, nothing appended; none and {} issue', async () => {
      const errors = [{ field: 'upTo', message: UNKNOWN }, { field: 'x', message: UNKNOWN }];
      await expectRefused(() => t.post('/audit/checkpoints', { upTo: '3', x: 1 }), { status: 400, code: 'invalid-request', detail: invalidDetail(errors), errors });
      await ok(t, '/tracks', { trackId: 't-cp-1', name: 'Checkpointed', effectiveOn: '2026-01-05' });
      expect((await t.post('/audit/checkpoints', {})).body).toMatchObject({ streamId: 'ledger-checkpoints', events: [{ type: 'CheckpointIssued' }] });
      await ok(t, '/tracks', { trackId: 't-cp-2', name: 'Checkpointed', effectiveOn: '2026-01-05' });
      expect((await t.post('/audit/checkpoints')).body).toMatchObject({ streamId: 'ledger-checkpoints', events: [{ type: 'CheckpointIssued' }] });
    });

    /*
     * A route id that is not a slug was named JSON-quoted by the route pipe (`norm "GHOST"`) and a
     * valid unknown one bare by the command (`norm ghost`), while queries quoted every id. One rule
     * now: slugs bare, anything else quoted.
     */
    it('404: one wording for commands and queries, an id quoted only when it is not a slug', async () => {
      const notFound = (detail: string) => ({ status: 404, code: 'not-found', detail });
      const body = position('st-9', 'us', 'supports');
      await expectRefused(() => t.post('/norms/ghost/positions', body), notFound('norm ghost does not exist'));
      await expectRefused(() => t.post('/norms/GHOST/positions', body), notFound('norm "GHOST" does not exist'));
      await expectRefused(() => t.post('/sessions/a%20b/cancel', { reason: 'x', effectiveOn: '2026-03-01' }), notFound('session "a b" does not exist'));
      for (const [path, detail] of [
        ['/norms/ghost', 'norm ghost does not exist'],
        ['/norms/GHOST', 'norm "GHOST" does not exist'],
        ['/tracks/ghost/board', 'track ghost does not exist'],
        ['/tracks/Ghost/board/live', 'track "Ghost" does not exist'],
        ['/sessions/a%22b', 'session "a\\"b" does not exist'],
      ] as const) {
        const response = await t.http().get(path).set(auth);
        expect({ path, status: response.status, detail: response.body.detail }).toEqual({ path, status: 404, detail });
      }
    });
  });
});
