import { ApiError, createApi, ServerDownError, storedToken, storeToken, TokenError } from './api.js';
import { boardRow, boardTable, cbmTracker, compactBoard, discloseLabel, h, isolate, KIND_NAME, legend, matrixRow, matrixTable, namesOf, orderRows, placeholder, rowChips, sessionDetailView, sessionTimeline, statusLabel, subjectDetailView, tipContent, trackerRow } from './render.js';

const $ = (id) => document.getElementById(id);

const el = {
  track: $('track-select'),
  tokenButton: $('token-button'),
  dateField: $('date-field'),
  slider: $('date-slider'),
  sliderMin: $('slider-min'),
  sliderMax: $('slider-max'),
  today: $('today-button'),
  views: [...document.querySelectorAll('input[name="view"]')],
  knownPicker: $('known-picker'),
  knownField: $('known-field'),
  explainer: $('view-explainer'),
  live: $('live-status'),
  notice: $('notice'),
  announcer: $('announcer'),
  main: $('main'),
  board: $('board'),
  matrix: $('matrix'),
  sessions: $('sessions'),
  cbms: $('cbms'),
  dialog: $('token-dialog'),
  tokenForm: $('token-form'),
  tokenInput: $('token-input'),
  tokenReason: $('token-reason'),
  tokenCancel: $('token-cancel'),
  timeBar: document.querySelector('.time-bar'),
  skipLink: document.querySelector('.skip-link'),
  detail: $('detail'),
  detailKicker: $('detail-kicker'),
  detailTitle: $('detail-title'),
  detailCut: $('detail-cut'),
  detailBody: $('detail-body'),
  detailClose: $('detail-close'),
};

const DAY = 86_400_000;
const todayUtc = () => new Date().toISOString().slice(0, 10);
const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const isDate = (value) => /^\d{4}-\d{2}-\d{2}$/.test(value ?? '') && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

let token = storedToken();
const api = createApi(() => token);

/**
 * What the URL keeps: track, date (absent = today), view, the knownAt date of the view 'known'
 * (YYYY-MM-DD, the end of that day UTC; null otherwise) and the open detail ({kind, id} or null).
 */
const state = { trackId: '', asOf: null, view: 'true', knownAt: null, detail: null };
const VIEWS = new Set(['true', 'ledger', 'known']);
/** A knownAt date the view 'known' can take: a date not after today. */
const isKnownDate = (value) => isDate(value) && value >= '1000-01-01' && value <= todayUtc();
/** The transaction-time cut in force (YYYY-MM-DD, end of that day UTC), or null for everything known now. */
const knownCut = () => (state.view === 'known' ? state.knownAt : state.asOf && state.view === 'ledger' ? state.asOf : null);
/** Looking anywhere but at the ledger as it stands now: live updates pause. */
const looksBack = () => state.asOf !== null || (state.view === 'known' && state.knownAt !== null);

const DETAIL_KINDS = new Set(['norm', 'cbm', 'topic', 'session']);

/** `norm:gge-13i` → {kind: 'norm', id: 'gge-13i'}; anything else → null. */
const parseDetail = (value) => {
  const [kind, id, ...rest] = String(value ?? '').split(':');
  return rest.length === 0 && DETAIL_KINDS.has(kind) && /^[a-z0-9][a-z0-9-]{0,62}$/.test(id ?? '') ? { kind, id } : null;
};
const detailParam = (detail) => (detail ? `${detail.kind}:${detail.id}` : '');
const sameDetail = (a, b) => detailParam(a) === detailParam(b);

/** What the panels show, kept so a live row can be merged without a refetch. */
const shown = { board: null, matrix: null, sessions: null, bounds: null, boundsTrack: '' };

/*
 * The statements behind the board's chips are read when a chip is first pointed at or focused, one
 * subject at a time, not every subject at every date: a track of hundreds of subjects would cost
 * hundreds of requests per move of the slider. A statement's words depend only on which corrections
 * apply, that is on the transaction-time cut (knownCut), not on the date in view: they are read with
 * that cut alone and kept per track and cut, so in "what was true then" one read of a subject serves
 * every date.
 */
const statementCache = new Map();
/** {statements: statementId → statement, reading: kind:id → the read in flight} of a track under a knownAt (null: today). */
const statementEntry = (trackId = state.trackId, knownAt = knownCut()) => {
  const key = `${trackId}|${knownAt ?? ''}`;
  if (!statementCache.has(key)) statementCache.set(key, { statements: new Map(), reading: new Map() });
  return statementCache.get(key);
};

let tracks = [];
let loadController = null;
let stopLive = null;
let liveRefresh = null;

const readUrl = () => {
  const params = new URLSearchParams(location.hash.slice(1));
  state.trackId = params.get('track') ?? '';
  const date = params.get('date');
  state.asOf = isDate(date) && date < todayUtc() ? date : null;
  const view = params.get('view');
  const known = params.get('known');
  // A knownAt that is no date, or after today, falls back to what was true then (every correction known today).
  state.view = view === 'known' ? (isKnownDate(known) ? 'known' : 'true') : view === 'ledger' ? 'ledger' : 'true';
  state.knownAt = state.view === 'known' ? known : null;
  state.detail = parseDetail(params.get('detail'));
};

/**
 * Writes the state into the URL's fragment. Opening a detail adds a history entry (`push`), so the
 * browser's Back closes it again; every other change (date, view, track, closing) replaces the entry.
 */
const writeUrl = ({ push = false } = {}) => {
  const params = new URLSearchParams();
  if (state.trackId) params.set('track', state.trackId);
  if (state.asOf) params.set('date', state.asOf);
  if (state.view !== 'true') params.set('view', state.view);
  if (state.view === 'known' && state.knownAt) params.set('known', state.knownAt);
  if (state.detail) params.set('detail', detailParam(state.detail));
  // The colon of detail=norm:gge-13i needs no escaping in a fragment: keep the link readable.
  const hash = `#${params.toString().replaceAll('%3A', ':')}`;
  if (location.hash === hash) return;
  if (push) history.pushState({ detail: detailParam(state.detail) }, '', hash);
  else history.replaceState(history.state, '', hash);
};

/** The query cut for the current state (DESIGN.md §5). */
const cut = () => {
  const knownAt = knownCut();
  return { ...(state.asOf ? { asOf: state.asOf } : {}), ...(knownAt ? { knownAt } : {}) };
};

const announce = (text) => {
  el.announcer.textContent = '';
  // A new text node each time, so a repeated message is still read out.
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
};

/** `action`: one button after the message; `actions`: several. */
const setNotice = (message, { kind = 'info', action, actions = action ? [action] : [] } = {}) => {
  el.notice.replaceChildren();
  el.notice.dataset.kind = kind;
  if (!message) return;
  el.notice.append(h('span', {}, message));
  for (const { label, run } of actions) {
    const button = h('button', { type: 'button', class: 'secondary' }, label);
    button.addEventListener('click', run);
    el.notice.append(' ', button);
  }
};

const formatLong = (date) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** What the panels show, in words: the time bar's explainer. */
const explainerText = () => {
  if (state.view === 'known' && state.knownAt) {
    return state.asOf
      ? `Showing what was true on ${formatLong(state.asOf)} as the ledger knew it at the end of ${formatLong(state.knownAt)}: corrections recorded later are not applied.`
      : `Showing the ledger as it stood at the end of ${formatLong(state.knownAt)}: corrections recorded later are not applied.`;
  }
  if (!state.asOf) return 'Showing the ledger as it stands now. Pick an earlier date to look back.';
  return state.view === 'ledger'
    ? `Showing what the ledger said at the end of ${formatLong(state.asOf)}: corrections recorded later are not applied.`
    : `Showing what was true on ${formatLong(state.asOf)}, with every correction known today applied.`;
};

const syncControls = () => {
  const today = todayUtc();
  const bounds = shown.bounds ?? { min: addDays(today, -365), max: today };
  const date = state.asOf ?? today;
  el.dateField.max = today;
  // Not while the user types into it: writing the value back breaks the browser's typing.
  if (document.activeElement !== el.dateField || el.dateField.value === '') el.dateField.value = date;
  el.slider.max = String(Math.max(daysBetween(bounds.min, today), 0));
  el.slider.value = String(Math.max(daysBetween(bounds.min, date), 0));
  el.slider.setAttribute('aria-valuetext', state.asOf ? formatLong(date) : `today, ${formatLong(date)}`);
  el.sliderMin.textContent = bounds.min;
  el.sliderMax.textContent = 'today';
  for (const radio of el.views) radio.checked = radio.value === state.view;
  el.knownPicker.hidden = state.view !== 'known';
  el.knownField.max = today;
  if (document.activeElement !== el.knownField || el.knownField.value === '') el.knownField.value = state.knownAt ?? today;
  el.explainer.textContent = explainerText();
  el.today.disabled = !state.asOf;
  renderLive();
};

const panels = () => [el.board, el.matrix, el.sessions, el.cbms];

const setBusy = (busy) => {
  for (const panel of panels()) panel.setAttribute('aria-busy', busy ? 'true' : 'false');
};

const showEverywhere = (text) => {
  for (const panel of panels()) panel.replaceChildren(placeholder(text));
};

/** Keeps keyboard focus on the same chip or control when a panel is re-rendered. */
const preservingFocus = (render) => {
  const key = document.activeElement?.dataset?.focusKey;
  render();
  if (key) document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
};

const partiesOf = () => {
  const fromMatrix = shown.matrix?.parties ?? [];
  const fromRows = (shown.board?.rows ?? []).flatMap((r) => Object.keys(r.stances ?? {}));
  return [...new Set([...fromMatrix, ...fromRows])].sort();
};

const when = () => {
  const known = state.view === 'known' && state.knownAt ? ` as the ledger knew it at the end of ${formatLong(state.knownAt)}` : '';
  return `${state.asOf ? ` on ${formatLong(state.asOf)}` : known ? '' : ' yet'}${known}`;
};

/** The kind:id of the compact board rows whose chips are shown: kept while the track is (a date, a live change). */
const expandedRows = new Set();
let expandedTrack = '';
const rowKey = (row) => `${row.kind}:${row.id}`;
/** The parties the board and the tracker were last drawn with (a party registered draws them again). */
const drawn = { boardParties: null, trackerParties: null };

const renderBoard = (changed) => {
  const rows = shown.board?.rows ?? [];
  const parties = partiesOf();
  drawn.boardParties = rows.length === 0 ? null : parties.join(',');
  if (expandedTrack !== state.trackId) {
    expandedRows.clear();
    expandedTrack = state.trackId;
  }
  preservingFocus(() => {
    if (rows.length === 0) {
      el.board.replaceChildren(placeholder(`Nothing had been proposed on this track${when()}.`));
    } else {
      el.board.replaceChildren(legend(), boardTable(rows, parties, statementEntry().statements, changed, expandedRows));
    }
  });
};

const renderTracker = () => {
  const parties = partiesOf();
  const table = cbmTracker(shown.board?.rows ?? [], parties);
  drawn.trackerParties = table ? parties.join(',') : null;
  preservingFocus(() => el.cbms.replaceChildren(table ?? placeholder(`No confidence-building measure had been proposed on this track${when()}.`)));
};

/** Puts `element` (a row for `row`) in `tbody` in the board's order: in place of `existing`, or before the next row shown. */
const placeRow = (tbody, element, existing, row, ordered, find) => {
  if (existing) {
    existing.replaceWith(element);
    return;
  }
  const index = ordered.findIndex((r) => r.id === row.id && r.kind === row.kind);
  const next = ordered.slice(index + 1).map(find).find(Boolean) ?? null;
  tbody.insertBefore(element, next);
};

/**
 * Draws again the board rows (and CBM tracker rows) of `keys` (kind:id), not the whole board: a live
 * change touches a row or a few of a board of hundreds. `changed`: they flash. The whole board and
 * tracker are drawn only when the parties changed (a party registered: every row has a new column)
 * or there was no table yet.
 */
const renderRows = (keys, { changed = false } = {}) => {
  if (keys.length === 0) return;
  const rows = shown.board?.rows ?? [];
  const parties = partiesOf();
  const flash = changed ? new Set(keys.map((key) => key.slice(key.indexOf(':') + 1))) : new Set();
  const board = el.board.querySelector('table.board > tbody');
  if (!board || drawn.boardParties !== parties.join(',')) {
    // What flashed before still flashes, as when the whole board was drawn for each live row.
    for (const tr of el.board.querySelectorAll('tr.changed')) flash.add(tr.dataset.rowId);
    renderBoard(flash);
    renderTracker();
    return;
  }
  const byKey = new Map(rows.map((row) => [rowKey(row), row]));
  const ordered = orderRows(rows);
  const compact = compactBoard(parties);
  const { statements } = statementEntry();
  const boardRowOf = (row) => board.querySelector(`:scope > tr[data-row-id="${CSS.escape(row.id)}"][data-kind="${CSS.escape(row.kind)}"]`);
  const tracker = el.cbms.querySelector('table.tracker > tbody');
  const cbmKeys = keys.filter((key) => byKey.get(key)?.kind === 'cbm');
  const trackerAgain = cbmKeys.length > 0 && (!tracker || drawn.trackerParties !== parties.join(','));
  const cbmOrdered = ordered.filter((row) => row.kind === 'cbm');
  const trackerRowOf = (row) => tracker?.querySelector(`:scope > tr[data-row-id="${CSS.escape(row.id)}"]`) ?? null;
  preservingFocus(() => {
    for (const key of keys) {
      const row = byKey.get(key);
      if (!row) continue;
      const element = boardRow(row, parties, statements, { changed: flash.has(row.id), compact, expanded: expandedRows.has(key) });
      placeRow(board, element, boardRowOf(row), row, ordered, boardRowOf);
      if (row.kind === 'cbm' && tracker && !trackerAgain) placeRow(tracker, trackerRow(row, parties), trackerRowOf(row), row, cbmOrdered, trackerRowOf);
    }
  });
  if (trackerAgain) renderTracker();
};

/** Shows or hides the chips of one compact board row, where its button is: nothing else is drawn again. */
const toggleChips = (button) => {
  const tr = button.closest('tr');
  const row = shown.board?.rows?.find((r) => r.id === tr?.dataset.rowId && r.kind === tr?.dataset.kind);
  const box = document.getElementById(button.getAttribute('aria-controls'));
  if (!row || !box) return;
  const key = rowKey(row);
  const expand = button.getAttribute('aria-expanded') !== 'true';
  if (expand) expandedRows.add(key);
  else expandedRows.delete(key);
  // Built when shown, emptied when hidden: a hidden row costs no chips.
  box.replaceChildren(...(expand ? rowChips(row, partiesOf(), statementEntry().statements) : []));
  box.hidden = !expand;
  button.setAttribute('aria-expanded', String(expand));
  button.querySelector('.disclose-mark').textContent = expand ? '▾' : '▸';
  button.querySelector('.disclose-text').textContent = discloseLabel(Number(button.dataset.count), expand);
};
el.board.addEventListener('click', (event) => {
  const button = event.target?.closest?.('button[data-disclose]');
  if (button) toggleChips(button);
});

const renderMatrix = () => {
  const rows = shown.matrix?.rows ?? [];
  preservingFocus(() => el.matrix.replaceChildren(rows.length === 0 ? placeholder(`No subjects${when()}, so no stances.`) : matrixTable(shown.matrix)));
};

/**
 * Shows a matrix read after a live change: only its changed rows are drawn again, unless its parties
 * or its subjects changed (a party registered, a subject proposed), which draws it whole.
 */
const updateMatrix = (matrix) => {
  const before = shown.matrix;
  shown.matrix = matrix;
  const body = el.matrix.querySelector('table.matrix > tbody');
  const ids = (m) => orderRows(m?.rows ?? []).map(rowKey).join(',');
  if (!body || !before || JSON.stringify(before.parties) !== JSON.stringify(matrix.parties) || ids(before) !== ids(matrix)) {
    renderMatrix();
    return;
  }
  const old = new Map((before.rows ?? []).map((row) => [rowKey(row), JSON.stringify(row)]));
  const parties = matrix.parties ?? [];
  preservingFocus(() => {
    for (const row of matrix.rows ?? []) {
      if (old.get(rowKey(row)) === JSON.stringify(row)) continue;
      body.querySelector(`:scope > tr[data-matrix-row="${CSS.escape(rowKey(row))}"]`)?.replaceWith(matrixRow(row, parties));
    }
  });
};

const renderSessions = () => {
  const sessions = shown.sessions?.sessions ?? [];
  preservingFocus(() => el.sessions.replaceChildren(sessions.length === 0 ? placeholder(`No session had been scheduled${when()}.`) : sessionTimeline(sessions)));
};

const renderAll = (changed) => {
  renderBoard(changed);
  renderMatrix();
  renderSessions();
  renderTracker();
};

/**
 * The slider's left end: the start of the track, its earliest effective date. The registry (as it
 * stands today) has the establishment and every registration; the panels add what they show (a
 * subject or session dated earlier). An empty track starts where it was established.
 */
const boundsOf = (registry, board, sessions) => {
  const dates = [];
  if (registry) {
    dates.push(registry.establishedOn);
    for (const list of [registry.parties, registry.agencies, registry.delegates]) for (const entry of list ?? []) dates.push(entry.registeredOn);
  }
  for (const row of board?.rows ?? []) {
    if (row.statusSince) dates.push(row.statusSince);
    for (const cell of Object.values(row.stances ?? {})) dates.push(cell.effectiveOn);
  }
  for (const s of sessions?.sessions ?? []) for (const d of [s.scheduledFor, s.originallyScheduledFor, s.heldOn]) if (d) dates.push(d);
  const today = todayUtc();
  const earliest = dates.filter(isDate).sort()[0];
  // Nothing readable at all (the registry could not be read): a year back, as before any load.
  if (!earliest) return { min: addDays(today, -365), max: today };
  return { min: earliest < today ? earliest : today, max: today };
};

/** Widens the slider to what a load has shown: it never narrows, as the date in view moves. */
const widenBounds = (trackId, registry, board, sessions) => {
  const found = boundsOf(registry, board, sessions);
  const min = shown.boundsTrack === trackId && shown.bounds && shown.bounds.min < found.min ? shown.bounds.min : found.min;
  if (shown.boundsTrack === trackId && shown.bounds?.min === min) return;
  shown.bounds = { min, max: todayUtc() };
  shown.boundsTrack = trackId;
  syncControls();
};

/** Fills the tooltips under `root` whose statement has been read meanwhile (`failed`: the statement ids that could not be). */
const fillTips = (root, failed = new Set()) => {
  const { statements } = statementEntry();
  for (const chip of root.querySelectorAll('.chip[data-statement-id]')) {
    const tip = chip.nextElementSibling;
    if (!tip || tip.querySelector('.tip-text')) continue;
    const id = chip.dataset.statementId;
    const statement = statements.get(id) ?? (failed.has(id) ? null : undefined);
    if (statement === undefined) continue;
    const row = shown.board?.rows?.find((r) => r.id === chip.closest('tr')?.dataset.rowId);
    const cell = row?.stances?.[chip.dataset.party];
    if (cell) tip.replaceChildren(...tipContent(chip.dataset.party, cell, statement));
  }
};

/** Keeps the statements of a subject's history. */
const keepStatements = (entry, history) => {
  for (const item of history ?? []) if (item.type === 'PositionStated' && item.data?.statementId) entry.statements.set(item.data.statementId, item.data);
};

/**
 * Reads the statements of one subject of the track in view under a knownAt (the cut in view's by
 * default), unless a read is already under way (`again`: start a new one anyway, after a live change).
 * Its row's tooltips are filled once it is done, or say that the statement could not be read.
 */
const loadStatementsOf = (kind, id, { knownAt = knownCut(), again = false } = {}) => {
  const trackId = state.trackId;
  const entry = statementEntry(trackId, knownAt);
  const key = `${kind}:${id}`;
  if (!again && entry.reading.has(key)) return entry.reading.get(key);
  const read = api
    .subject(kind, id, knownAt ? { knownAt } : {})
    .then(
      (detail) => {
        keepStatements(entry, detail.history);
        return true;
      },
      () => false,
    )
    .then((ok) => {
      if (entry.reading.get(key) === read) entry.reading.delete(key);
      if (statementEntry() !== entry) return;
      const row = el.board.querySelector(`tr[data-row-id="${CSS.escape(id)}"]`);
      if (row) fillTips(row, ok ? new Set() : new Set([...row.querySelectorAll('.chip[data-statement-id]')].map((c) => c.dataset.statementId)));
    });
  entry.reading.set(key, read);
  return read;
};

/** A chip pointed at or focused: its statement is wanted now. */
const wantStatement = (event) => {
  const chip = event.target?.closest?.('.chip-wrap')?.querySelector('.chip[data-statement-id]');
  if (!chip || statementEntry().statements.has(chip.dataset.statementId)) return;
  const row = chip.closest('tr');
  if (row?.dataset.rowId && row.dataset.kind) void loadStatementsOf(row.dataset.kind, row.dataset.rowId);
};
el.board.addEventListener('pointerover', wantStatement);
el.board.addEventListener('focusin', wantStatement);

const handleError = (error) => {
  if (error.name === 'AbortError') return;
  setBusy(false);
  if (error instanceof TokenError) {
    setNotice('');
    setLive('off', 'Live updates off');
    stopLive?.();
    stopLive = null;
    trackPickerWaiting();
    askForToken(
      error.status === 403
        ? 'That token may not read the ledger. Please enter a viewer token.'
        : 'That token was not accepted (mistyped, revoked, or from another server). Please enter a viewer token.',
      { canCancel: false, invalid: true },
    );
    showEverywhere('Waiting for a viewer token.');
    return;
  }
  if (error instanceof ServerDownError) {
    serverWasDown = true;
    reopenLiveLater();
    setNotice('The ledger server is not answering. Check that it is running, then try again.', { kind: 'error', action: { label: 'Try again', run: () => start() } });
    showEverywhere('The ledger server is not answering.');
    return;
  }
  const message = error instanceof ApiError ? error.message : 'Something went wrong while reading the ledger.';
  setNotice(message, { kind: 'error', action: { label: 'Try again', run: () => loadTrack({ quiet: false }) } });
};

/**
 * Loads the four panels for the current state; `quiet` keeps the old content up while it loads.
 * `keepNotice`: a reload after a live event, which leaves an information notice (the "changed just
 * now" of a past date) up; an error notice still goes once the panels have been read.
 */
const loadTrack = async ({ quiet = false, keepNotice = false } = {}) => {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const { signal } = controller;
  const trackId = state.trackId;
  if (!trackId) return;
  void loadDetail({ quiet });
  setBusy(true);
  if (!quiet) showEverywhere('Loading…');
  try {
    // The registry (today's, read once per track) gives the start of the track for the slider.
    const [registry, board, matrix, sessions] = await Promise.all([
      registryOf(trackId),
      api.board(trackId, cut(), signal),
      api.matrix(trackId, cut(), signal),
      api.sessions(trackId, cut(), signal),
    ]);
    if (signal.aborted) return;
    Object.assign(shown, { board, matrix, sessions });
    widenBounds(trackId, registry, board, sessions);
    renderAll();
    if (!keepNotice || el.notice.dataset.kind === 'error') setNotice('');
    setBusy(false);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      setBusy(false);
      if (state.asOf) {
        // The track exists now (it is in the list) but had no record yet on that date.
        const known = state.view === 'ledger' ? ' (as the ledger stood then)' : state.view === 'known' && state.knownAt ? ` (as the ledger knew it at the end of ${formatLong(state.knownAt)})` : '';
        setNotice(`Nothing had been recorded on track “${trackId}” by ${formatLong(state.asOf)}${known}: pick a later date.`, {
          kind: 'info',
          action: { label: 'Show today', run: () => setDate(null) },
        });
        showEverywhere(`Track “${trackId}” has no record dated on or before ${formatLong(state.asOf)}.`);
        return;
      }
      if (looksBack()) {
        // Only a knownAt: the track was not yet recorded by then.
        setNotice(`Track “${trackId}” had not been recorded by the end of ${formatLong(state.knownAt)}: pick a later “known” date.`, {
          kind: 'info',
          action: { label: 'Show what is known today', run: () => setView('true') },
        });
        showEverywhere(`Track “${trackId}” had no record by the end of ${formatLong(state.knownAt)}.`);
        return;
      }
      // Gone since the list was read (or never there): the list is read again and says which are.
      void followTrack(trackId, { reread: true });
      return;
    }
    handleError(error);
  }
};

/** The live stream's own state; what the indicator says also depends on the date in view. */
let liveConnection = { state: 'off', text: 'Live updates off' };

/**
 * #live-status is a status region: it is written only when what it says changes, so a reconnection
 * attempt (every few seconds while the server is gone) or a move of the date is not read out again.
 * The date in view is therefore not part of it: the date field says it.
 */
const renderLive = () => {
  const paused = looksBack() && liveConnection.state === 'on';
  const liveState = paused ? 'paused' : liveConnection.state;
  const text = !paused
    ? liveConnection.text
    : state.view === 'known' && state.knownAt
      ? `Live updates paused while you look at the ledger as known at the end of ${formatLong(state.knownAt)}: “What was true then” and “Today” resume them`
      : 'Live updates paused while you look at an earlier date: “Today” resumes them';
  if (el.live.dataset.state !== liveState) el.live.dataset.state = liveState;
  if (el.live.textContent !== text) el.live.textContent = text;
};

const setLive = (liveState, text) => {
  liveConnection = { state: liveState, text };
  renderLive();
};

/** Set when a read found the server down: once the live stream reconnects, the panels are read again. */
let serverWasDown = false;
/** The live stream was closed for good (EventSource retries a lost connection, not a refusal). */
let liveClosed = false;
let liveReopen = null;
const LIVE_REOPEN_MS = 3000;

/**
 * A server that is stopping answers a reconnecting stream 503, which closes it for good; once a
 * read then finds the server down, the page opens the stream again itself (and then retries as
 * EventSource does), so the panels are read again when the server is back. A stream closed because
 * the token was refused is not reopened: the read says so, and asks for a token.
 */
const reopenLiveLater = () => {
  if (!liveClosed || liveReopen !== null) return;
  liveReopen = setTimeout(() => {
    liveReopen = null;
    if (liveClosed) connectLive();
  }, LIVE_REOPEN_MS);
};

const connectLive = () => {
  stopLive?.();
  stopLive = null;
  liveClosed = false;
  clearTimeout(liveReopen);
  liveReopen = null;
  if (!state.trackId || !token) return;
  const trackId = state.trackId;
  setLive('connecting', 'Connecting to live updates…');
  stopLive = api.live(trackId, {
    open: () => {
      setLive('on', 'Live: the board updates as the secretariat records');
      if (serverWasDown) {
        serverWasDown = false;
        setNotice('');
        void loadTrack();
      }
    },
    snapshot: (board) => {
      if (looksBack() || !shown.board || board.trackId !== trackId) return;
      // Usually what the page has just read: only the rows that differ are drawn again (all of them if one went).
      const rows = board.rows ?? shown.board.rows;
      const before = new Map((shown.board.rows ?? []).map((row) => [rowKey(row), JSON.stringify(row)]));
      const next = new Set(rows.map(rowKey));
      shown.board = { ...shown.board, rows };
      if ([...before.keys()].some((key) => !next.has(key))) {
        renderBoard();
        renderTracker();
      } else {
        renderRows(rows.filter((row) => before.get(rowKey(row)) !== JSON.stringify(row)).map(rowKey));
      }
    },
    row: (row) => onLiveRow(trackId, row),
    error: (closed) => {
      if (closed) {
        liveClosed = true;
        setLive('off', 'Live updates stopped. Reload the page to resume.');
        // A closed stream is usually a refused token: the next read will say so.
        void loadTrack({ quiet: true });
      } else {
        setLive('connecting', 'Live updates interrupted; reconnecting…');
      }
    },
  });
};

/*
 * One command can change many rows at once (a party registered changes who blocks every subject):
 * live rows are gathered for a moment (LIVE_QUIET_MS after the last, LIVE_MAX_MS after the first)
 * and said once, naming the subjects by title and id and saying what changed where the rows tell.
 */
const LIVE_QUIET_MS = 1000;
const LIVE_MAX_MS = 2000;
/** kind:id → {before, after}: the row as shown before the first change of the batch, and the latest one. */
let liveBatch = { trackId: '', items: new Map(), past: new Map(), first: 0, timer: 0 };

const KIND_WORD = { norm: 'Norm', cbm: 'CBM', topic: 'Topic' };
const kindWord = (kind) => KIND_WORD[kind] ?? kind;
/** "Norm “Keep the supply chain trustworthy” (gge-13i)": a subject inside a sentence. */
const subjectInText = (row) => {
  const title = String(row.title ?? '').replace(/\s+/g, ' ').trim();
  if (!title) return `${kindWord(row.kind)} ${row.id}`;
  return `${kindWord(row.kind)} “${isolate(title.length > 90 ? `${title.slice(0, 89)}…` : title)}” (${row.id})`;
};

/** What changed from `before` to `after` (board rows), as {kinds, words}; no words when nothing did. */
const rowChanges = (before, after, partyName) => {
  if (!before) {
    const status = after.status && after.status !== 'proposed' ? `, now ${statusLabel(after.status).toLowerCase()}` : '';
    return { kinds: ['new'], words: [after.kind === 'topic' ? 'opened' : `proposed${status}`] };
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return { kinds: [], words: [] };
  const kinds = [];
  const words = [];
  if (after.status && after.status !== before.status) {
    kinds.push('status');
    words.push(`status now ${statusLabel(after.status).toLowerCase()}`);
  }
  for (const party of Object.keys(after.stances ?? {}).sort()) {
    const was = before.stances?.[party];
    const now = after.stances[party];
    if (was && was.statementId === now.statementId && was.stance === now.stance) continue;
    kinds.push('stance');
    words.push(
      !was
        ? `${partyName(party)} states a position: ${now.stance}`
        : was.stance !== now.stance
          ? `${partyName(party)} now ${now.stance} (was ${was.stance})`
          : `new statement by ${partyName(party)}, still ${now.stance}`,
    );
  }
  const ids = (value) => (value ?? []).join(',');
  const names = (value) => value.map(partyName).join(', ');
  if (ids(after.blockingParties) !== ids(before.blockingParties)) {
    kinds.push('blocking');
    words.push((after.blockingParties ?? []).length > 0 ? `blocked by ${names(after.blockingParties)}` : 'no longer blocked');
  }
  if (ids(after.pendingConfirmations) !== ids(before.pendingConfirmations)) {
    kinds.push('other');
    words.push((after.pendingConfirmations ?? []).length > 0 ? `awaiting confirmation from ${names(after.pendingConfirmations)}` : 'no confirmation awaited');
  }
  const reported = (after.implementationReportedBy ?? []).filter((p) => !(before.implementationReportedBy ?? []).includes(p));
  if (reported.length > 0) {
    kinds.push('other');
    words.push(`implementation reported by ${names(reported)}`);
  }
  if (words.length === 0) {
    kinds.push('other');
    words.push('updated');
  }
  return { kinds, words };
};

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const orList = (items) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** The batch in words, once: each subject when there are a few; a count and the notable ones when there are many. */
const sayLiveBatch = async () => {
  const batch = liveBatch;
  liveBatch = { trackId: '', items: new Map(), past: new Map(), first: 0, timer: 0 };
  if (batch.trackId !== state.trackId) return;
  if (batch.past.size > 0 && looksBack()) {
    const labels = [...batch.past.values()].map((row) => `${kindWord(row.kind)} ${row.id}`);
    const what = labels.length <= 3 ? orList(labels) : plural(labels.length, 'subject');
    const text = state.asOf
      ? `${what} changed just now; this view looks at ${formatLong(state.asOf)}.`
      : `${what} changed just now; this view shows the ledger as known at the end of ${formatLong(state.knownAt)}.`;
    // The notice is a status region itself: it is what is read out.
    setNotice(text, { kind: 'info', action: { label: 'Show today', run: () => setDate(null) } });
  }
  if (batch.items.size === 0 || looksBack()) return;
  const registry = await registryOf(batch.trackId);
  if (batch.trackId !== state.trackId || looksBack()) return;
  const parties = namesOf(registry).parties;
  const partyName = (id) => (parties.get(id) ? `${isolate(parties.get(id))} (${id})` : id);
  const changes = [...batch.items.values()].map(({ before, after }) => ({ row: after, ...rowChanges(before, after, partyName) })).filter((c) => c.words.length > 0);
  if (changes.length === 0) return;
  const sentence = (c) => `${subjectInText(c.row)}: ${c.words.join('; ')}.`;
  if (changes.length <= 3) {
    announce(changes.map(sentence).join(' '));
    return;
  }
  const notable = changes.filter((c) => c.kinds.some((k) => k === 'new' || k === 'status' || k === 'stance'));
  const count = (kind) => changes.filter((c) => c.kinds.includes(kind)).length;
  const parts = [`${changes.length} subjects updated.`];
  if (notable.length > 0 && notable.length <= 3) parts.push(...notable.map(sentence));
  else if (notable.length > 3) {
    const counts = [['new', 'new'], ['status', 'with a new status'], ['stance', 'with a new stance']].filter(([kind]) => count(kind) > 0).map(([kind, words]) => `${count(kind)} ${words}`);
    parts.push(`${counts.join(', ')}.`);
  }
  const rest = changes.length - (notable.length <= 3 ? notable.length : 0);
  const blocking = changes.filter((c) => c.kinds.includes('blocking') && (notable.length > 3 || !notable.includes(c))).length;
  if (rest > 0 && blocking > 0) parts.push(`Who blocks agreement changed on ${plural(blocking, 'subject')}${notable.length > 0 && notable.length <= 3 ? ' more' : ''}.`);
  announce(parts.join(' '));
};

const onLiveRow = (trackId, row) => {
  if (trackId !== state.trackId || !shown.board) return;
  if (liveBatch.trackId !== trackId) {
    clearTimeout(liveBatch.timer);
    liveBatch = { trackId, items: new Map(), past: new Map(), first: Date.now(), timer: 0 };
  }
  const key = `${row.kind}:${row.id}`;
  if (!looksBack()) {
    const rows = [...(shown.board.rows ?? [])];
    const index = rows.findIndex((r) => r.id === row.id && r.kind === row.kind);
    const before = liveBatch.items.has(key) ? liveBatch.items.get(key).before : index >= 0 ? rows[index] : null;
    liveBatch.items.set(key, { before, after: row });
    if (index >= 0) rows[index] = row;
    else rows.push(row);
    shown.board = { ...shown.board, rows };
    drawLiveRow(trackId, key);
  } else {
    liveBatch.past.set(key, row);
  }
  clearTimeout(liveBatch.timer);
  liveBatch.timer = setTimeout(() => void sayLiveBatch(), Math.max(0, Math.min(LIVE_QUIET_MS, liveBatch.first + LIVE_MAX_MS - Date.now())));
  // Statement texts, the matrix and the sessions follow with a quiet reload.
  liveChanged.set(key, row);
  clearTimeout(liveRefresh);
  liveRefresh = setTimeout(() => void refreshAfterLive(), 300);
};

/*
 * A burst of live rows (a party registered changes every row, one event each) is drawn once, a
 * moment after its first row, and only those rows: the board of a track of hundreds of subjects is
 * not drawn again for each.
 */
const LIVE_DRAW_MS = 40;
let liveDraw = { trackId: '', keys: new Set(), timer: 0 };

const drawLiveRow = (trackId, key) => {
  if (liveDraw.trackId !== trackId) {
    clearTimeout(liveDraw.timer);
    liveDraw = { trackId, keys: new Set(), timer: 0 };
  }
  liveDraw.keys.add(key);
  if (liveDraw.timer) return;
  liveDraw.timer = setTimeout(() => {
    const { keys } = liveDraw;
    liveDraw = { trackId, keys: new Set(), timer: 0 };
    // Another track or an earlier date since: what it shows was read for it (loadTrack).
    if (trackId !== state.trackId || looksBack() || !shown.board) return;
    renderRows([...keys], { changed: true });
  }, LIVE_DRAW_MS);
};

/**
 * The tooltips of the chips of board rows `keys` (kind:id) say the statements as read now: after a
 * live change a statement may have been corrected, its words read again (rereadStatements).
 */
const refreshTips = (keys) => {
  const { statements } = statementEntry();
  for (const key of keys) {
    const row = shown.board?.rows?.find((r) => rowKey(r) === key);
    const tr = row && el.board.querySelector(`table.board > tbody > tr[data-row-id="${CSS.escape(row.id)}"][data-kind="${CSS.escape(row.kind)}"]`);
    if (!tr) continue;
    for (const chip of tr.querySelectorAll('.chip[data-statement-id]')) {
      const statement = statements.get(chip.dataset.statementId);
      const cell = row.stances?.[chip.dataset.party];
      const tip = chip.nextElementSibling;
      if (statement && cell && tip) tip.replaceChildren(...tipContent(chip.dataset.party, cell, statement));
    }
  }
};

/** kind:id → the live rows changed since the last refresh, whose statements are read again. */
const liveChanged = new Map();

/**
 * The statements that live rows may have changed (a new one, a correction): those subjects are read
 * again for today's statements; what was known at the end of today is forgotten (it was not over);
 * a knownAt before today is history, which nothing changes.
 */
const rereadStatements = () => {
  const changed = [...liveChanged.values()];
  liveChanged.clear();
  statementCache.delete(`${state.trackId}|${todayUtc()}`);
  return Promise.all(changed.map((row) => loadStatementsOf(row.kind, row.id, { knownAt: null, again: true })));
};

const refreshAfterLive = async () => {
  lastSessionsRefresh = Date.now();
  if (looksBack()) {
    void rereadStatements();
    return loadTrack({ quiet: true, keepNotice: true });
  }
  const trackId = state.trackId;
  const changed = [...liveChanged.keys()];
  void loadDetail({ quiet: true });
  try {
    const [matrix, sessions] = await Promise.all([api.matrix(trackId, {}), api.sessions(trackId, {}), rereadStatements()]);
    if (trackId !== state.trackId || looksBack()) return;
    // The matrix's changed rows, the sessions if they changed, and the changed board rows' statements:
    // the board itself was drawn row by row as the rows came (drawLiveRow).
    updateMatrix(matrix);
    if (JSON.stringify(sessions) !== JSON.stringify(shown.sessions)) {
      shown.sessions = sessions;
      renderSessions();
    }
    // A party registered since the board was drawn (the matrix names it): every row has a new chip.
    if (shown.board && drawn.boardParties !== null && drawn.boardParties !== partiesOf().join(',')) renderRows(shown.board.rows.map(rowKey));
    else refreshTips(changed);
  } catch (error) {
    handleError(error);
  }
};

/*
 * The live stream sends a board row when a subject changes, nothing when a session does (held,
 * minutes adopted, an action item completed). While the page shows today and is live, the sessions
 * panel and an open session detail are read again after each live event (refreshAfterLive) and
 * every 20 s while the page is visible, quietly: no "Loading…", focus left where it is.
 */
const SESSIONS_REFRESH_MS = 20_000;
let lastSessionsRefresh = 0;

const refreshSessions = async () => {
  if (looksBack() || !state.trackId || liveConnection.state !== 'on' || document.visibilityState !== 'visible') return;
  lastSessionsRefresh = Date.now();
  if (shownDetail?.kind === 'session') void loadDetail({ quiet: true });
  const trackId = state.trackId;
  try {
    const sessions = await api.sessions(trackId, {});
    if (trackId !== state.trackId || looksBack() || !shown.sessions) return;
    if (JSON.stringify(sessions) === JSON.stringify(shown.sessions)) return;
    shown.sessions = sessions;
    renderSessions();
  } catch {
    // A read in the background: the live stream's own state says when the server is gone.
  }
};

setInterval(() => {
  if (Date.now() - lastSessionsRefresh >= SESSIONS_REFRESH_MS - 1000) void refreshSessions();
}, SESSIONS_REFRESH_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && Date.now() - lastSessionsRefresh >= SESSIONS_REFRESH_MS) void refreshSessions();
});

// ——— The detail view of one subject or session, under the same cut as the panels ———

/** What the panel shows ({kind, id}) and where focus goes back to when it closes. */
let shownDetail = null;
let detailReturn = null;
let detailController = null;
const registries = new Map();

/**
 * The track's registry as it stands today, for the names of parties, delegates and agencies
 * registered after the date in view; null if it cannot be read.
 */
const registryOf = (trackId) => {
  if (!trackId) return Promise.resolve(null);
  if (!registries.has(trackId)) {
    registries.set(
      trackId,
      api.registry(trackId, {}).catch(() => {
        registries.delete(trackId);
        return null;
      }),
    );
  }
  return registries.get(trackId);
};

const detailName = (detail) => `${KIND_NAME[detail.kind] ?? detail.kind} ${detail.id}`;
/** "norm gge-13i", "CBM cbm-poc": the name inside a sentence. */
const detailNameInText = (detail) => `${detail.kind === 'cbm' ? 'CBM' : detail.kind} ${detail.id}`;

/** The cut in view, as a key: a reload of the same detail under another key is a change worth announcing. */
const cutKey = () => (looksBack() ? `${state.asOf ?? 'today'}|${state.view}|${knownCut() ?? ''}` : 'today');
const cutPhrase = () => {
  if (state.view === 'known' && state.knownAt) {
    const known = `as the ledger knew it at the end of ${formatLong(state.knownAt)}`;
    return state.asOf ? `as on ${formatLong(state.asOf)} ${known}` : known;
  }
  return !state.asOf ? 'as the ledger stands today' : state.view === 'ledger' ? `as the ledger said at the end of ${formatLong(state.asOf)}` : `as on ${formatLong(state.asOf)}`;
};

/** What the detail's body shows: which detail, under which cut, from which answers (to skip a reload that changed nothing). */
let detailShown = { param: '', cut: '', answer: '' };

/**
 * On a wide screen the detail is a sticky column whose height is what the window has left below its
 * top: until the page header has scrolled away that top is lower than the sticky offset (app.css).
 */
let fitFrame = 0;
function fitDetail() {
  if (fitFrame) return;
  fitFrame = requestAnimationFrame(() => {
    fitFrame = 0;
    if (el.detail.open) el.detail.style.setProperty('--detail-top', `${Math.max(0, Math.round(el.detail.getBoundingClientRect().top))}px`);
  });
}

const cutText = () => {
  if (state.view === 'known' && state.knownAt) {
    return state.asOf
      ? `True on ${formatLong(state.asOf)} as the ledger knew it at the end of ${formatLong(state.knownAt)}: corrections recorded later are not applied.`
      : `As the ledger stood at the end of ${formatLong(state.knownAt)}: corrections recorded later are not applied.`;
  }
  return !state.asOf
    ? 'As the ledger stands today.'
    : state.view === 'ledger'
      ? `As the ledger said at the end of ${formatLong(state.asOf)}: corrections recorded later are not applied.`
      : `As it was on ${formatLong(state.asOf)}, with every correction known today applied.`;
};

/** The skip link leads to the open detail, or to the board when none is open. */
const syncSkipLink = () => {
  const toDetail = el.detail.open;
  el.skipLink.textContent = toDetail ? 'Skip to the detail' : 'Skip to the board';
  el.skipLink.setAttribute('href', toDetail ? '#detail-title' : '#board-heading');
};

/** The window's title names the open detail and the track: "Keep the supply chain trustworthy (Norm gge-13i) · US–China SEG · norms-ledger". */
const syncTitle = () => {
  const parts = [];
  if (el.detail.open && shownDetail) {
    const name = detailName(shownDetail);
    const title = el.detailTitle.textContent.trim();
    parts.push(title && title !== name ? `${isolate(title)} (${name})` : name);
  }
  const track = tracks.find((t) => t.trackId === state.trackId);
  if (track) parts.push(isolate(track.name || track.trackId));
  parts.push('norms-ledger dashboard');
  const text = parts.join(' · ');
  if (document.title !== text) document.title = text;
};

/** Opens the panel on `state.detail`; `opener` gets focus back on close (null when opened from the URL). */
const showDetail = (opener) => {
  if (opener && !el.detail.contains(opener)) detailReturn = { element: opener, key: opener.dataset.focusKey };
  else if (!el.detail.open) detailReturn = null;
  shownDetail = state.detail;
  el.detailKicker.textContent = KIND_NAME[state.detail.kind] ?? state.detail.kind;
  el.detailTitle.textContent = detailName(state.detail);
  el.detailBody.replaceChildren(placeholder('Loading…'));
  detailShown = { param: '', cut: '', answer: '' };
  document.body.classList.add('detail-open');
  if (!el.detail.open) el.detail.show();
  syncSkipLink();
  syncTitle();
  fitDetail();
  el.detailTitle.focus({ preventScroll: true });
  el.detail.scrollTop = 0;
  // On a narrow screen the detail takes the place of the panels: show it from its top.
  if (getComputedStyle(el.main).display === 'none') el.detail.scrollIntoView({ block: 'start' });
};

const openDetail = (detail, opener) => {
  if (el.detail.open && sameDetail(detail, shownDetail)) {
    el.detailTitle.focus();
    return;
  }
  state.detail = detail;
  writeUrl({ push: true });
  showDetail(opener);
  void loadDetail();
};

function closeDetail({ restoreFocus = true, writeHash = true } = {}) {
  detailController?.abort();
  detailController = null;
  const back = detailReturn;
  const closing = shownDetail;
  shownDetail = null;
  detailReturn = null;
  if (writeHash) {
    state.detail = null;
    writeUrl();
  }
  el.detail.close();
  document.body.classList.remove('detail-open');
  syncSkipLink();
  syncTitle();
  el.detailBody.replaceChildren();
  detailShown = { param: '', cut: '', answer: '' };
  if (!restoreFocus) return;
  // The opener may have been re-rendered since (a new date, a live update): find its successor. Opened
  // from the URL, there was none: the subject's row on the board (or the session's entry) is next best.
  const byKey = (key) => (key ? document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null);
  const home = closing ? `open:${closing.kind === 'session' ? 'sessions' : 'board'}:${closing.kind}:${closing.id}` : null;
  const target = (back?.element?.isConnected ? back.element : null) ?? byKey(back?.key) ?? byKey(home) ?? el.main;
  target.focus();
}

const renderDetailMessage = (text, action) => {
  el.detailBody.replaceChildren(h('p', { class: 'detail-message', role: 'status' }, text));
  if (action) {
    const button = h('button', { type: 'button', class: 'secondary' }, action.label);
    button.addEventListener('click', action.run);
    el.detailBody.append(h('p', {}, button));
  }
};

/** The registry under the cut: the parties registered on the date in view; null if it cannot be read. */
const registryUnder = (trackId, cutNow, signal) =>
  trackId ? api.registry(trackId, cutNow, signal).catch((error) => (error.name === 'AbortError' ? Promise.reject(error) : null)) : Promise.resolve(null);

/** Gives each focus key in the detail's body once: a key seen again gets its rank ("…#2"). */
const uniqueFocusKeys = (root) => {
  const seen = new Map();
  for (const node of root.querySelectorAll('[data-focus-key]')) {
    const key = node.dataset.focusKey;
    const rank = (seen.get(key) ?? 0) + 1;
    seen.set(key, rank);
    if (rank > 1) node.dataset.focusKey = `${key}#${rank}`;
  }
};

/**
 * Reads the open detail under the current cut; `quiet` keeps the old content up while it loads.
 * Keyboard focus inside the body goes back to the same link after the reload (or to the title when
 * that link is gone); a reload under another date or view is announced.
 */
async function loadDetail({ quiet = false } = {}) {
  const detail = shownDetail;
  if (!detail || !el.detail.open) return;
  detailController?.abort();
  const controller = new AbortController();
  detailController = controller;
  const { signal } = controller;
  const cutNow = cut();
  const param = detailParam(detail);
  const key = cutKey();
  const cutChanged = detailShown.param === param && detailShown.cut !== key;
  el.detailCut.textContent = cutText();
  el.detailBody.setAttribute('aria-busy', 'true');
  if (!quiet) el.detailBody.replaceChildren(placeholder('Loading…'));
  try {
    // The subject and the registry under the same cut, side by side; the registry of the panels' track
    // is the one wanted unless the subject belongs to another.
    const guessed = state.trackId;
    const [data, guessedRegistry] = await Promise.all([
      detail.kind === 'session' ? api.session(detail.id, cutNow, signal) : api.subject(detail.kind, detail.id, cutNow, signal),
      registryUnder(guessed, cutNow, signal),
    ]);
    const registry = data.trackId === guessed ? guessedRegistry : await registryUnder(data.trackId, cutNow, signal);
    // The subject's statements serve the board's tooltips too.
    if (detail.kind !== 'session' && data.trackId) {
      keepStatements(statementEntry(data.trackId, knownCut()), data.history);
      if (data.trackId === state.trackId) fillTips(el.board);
    }
    // Under an earlier date, today's registry still names those registered since; at today's, the one just read is today's.
    const underCut = Boolean(cutNow.asOf || cutNow.knownAt);
    if (!underCut && registry) registries.set(data.trackId, Promise.resolve(registry));
    const current = underCut ? await registryOf(data.trackId) : null;
    if (signal.aborted) return;
    const answer = JSON.stringify([data, registry, current]);
    if (quiet && detailShown.param === param && detailShown.cut === key && detailShown.answer === answer) return;
    const active = document.activeElement;
    const hadFocus = el.detailBody.contains(active);
    const focusKey = hadFocus ? active.dataset?.focusKey : undefined;
    const names = namesOf(current, registry);
    el.detailTitle.textContent = detail.kind === 'session' ? `Session ${data.number}, ${data.place}` : data.title || detailName(detail);
    el.detailKicker.textContent = detailName(detail);
    el.detailBody.replaceChildren(
      ...(detail.kind === 'session'
        ? sessionDetailView(data, { names })
        : subjectDetailView(data, { parties: (registry?.parties ?? []).map((p) => p.partyId), names, asOf: state.asOf, view: state.view })
      ).filter(Boolean),
    );
    uniqueFocusKeys(el.detailBody);
    syncTitle();
    detailShown = { param, cut: key, answer };
    if (hadFocus) {
      const same = focusKey ? el.detailBody.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) : null;
      (same ?? el.detailTitle).focus();
    }
    if (cutChanged) announce(`Detail of ${detailNameInText(detail)} now ${cutPhrase()}.`);
  } catch (error) {
    if (error.name === 'AbortError' || signal.aborted) return;
    if (error instanceof ApiError && error.status === 404) {
      const hadFocus = el.detailBody.contains(document.activeElement);
      detailShown = { param, cut: key, answer: '404' };
      // The kicker says what happened, the title (the panel's name) what it is about.
      el.detailKicker.textContent = looksBack() ? 'Not yet on record' : 'Not found';
      el.detailTitle.textContent = detailName(detail);
      syncTitle();
      let message;
      if (looksBack()) {
        const what = detail.kind === 'session' ? `${detailName(detail)} had not been scheduled` : `${detailName(detail)} did not exist yet`;
        const known = state.view === 'known' && state.knownAt ? formatLong(state.knownAt) : null;
        message = known
          ? state.asOf
            ? `${what} on ${formatLong(state.asOf)} as the ledger knew it at the end of ${known}: the ledger had no record of it then. Pick a later date to see it.`
            : `${what} as the ledger stood at the end of ${known}: the ledger had no record of it by then. Pick a later “known” date to see it.`
          : state.view === 'ledger'
            ? `${what} as the ledger stood at the end of ${formatLong(state.asOf)}: the ledger had no record of it by then. Pick a later date to see it.`
            : `${what} on ${formatLong(state.asOf)}: it has no record dated on or before that day. Pick a later date to see it.`;
        renderDetailMessage(message, state.asOf ? { label: 'Show today', run: () => setDate(null) } : { label: 'Show what is known today', run: () => setView('true') });
      } else {
        message = `There is no ${detail.kind === 'cbm' ? 'CBM' : detail.kind} “${detail.id}” in this ledger.`;
        renderDetailMessage(message);
      }
      if (hadFocus) el.detailTitle.focus();
      if (cutChanged) announce(message);
      return;
    }
    if (error instanceof TokenError) {
      renderDetailMessage('Waiting for a viewer token.');
      return;
    }
    if (error instanceof ServerDownError) {
      renderDetailMessage('The ledger server is not answering.', { label: 'Try again', run: () => void loadDetail() });
      return;
    }
    renderDetailMessage(error instanceof ApiError ? error.message : 'Something went wrong while reading the ledger.', { label: 'Try again', run: () => void loadDetail() });
  } finally {
    if (detailController === controller) el.detailBody.setAttribute('aria-busy', 'false');
  }
}

/** The track list; with no track chosen (the link named none that exists), an empty first choice. */
const renderTrackOptions = () => {
  const known = tracks.some((t) => t.trackId === state.trackId);
  el.track.replaceChildren(
    ...(known ? [] : [h('option', { value: '' }, 'Choose a track')]),
    ...tracks.map((t) => h('option', { value: t.trackId }, `${isolate(t.name)} (${t.trackId})`)),
  );
  el.track.disabled = tracks.length === 0;
  el.track.value = known ? state.trackId : '';
};

/** While no token has been accepted, the track list says why it is empty (nothing is loading). */
const trackPickerWaiting = () => {
  el.track.replaceChildren(h('option', { value: '' }, 'Sign in to see tracks'));
  el.track.disabled = true;
};

const chooseTrack = (trackId) => {
  state.trackId = trackId;
  writeUrl();
  renderTrackOptions();
  syncTitle();
  connectLive();
  void loadTrack();
};

/**
 * A link names a track that is not in the ledger: said plainly, with the tracks there are, rather
 * than another track shown in its place. The URL keeps the link as it was until one is chosen.
 */
const showUnknownTrack = (trackId) => {
  loadController?.abort();
  stopLive?.();
  stopLive = null;
  setLive('off', 'Live updates off');
  if (el.detail.open) closeDetail({ restoreFocus: false, writeHash: false });
  Object.assign(shown, { board: null, matrix: null, sessions: null });
  setBusy(false);
  renderTrackOptions();
  syncTitle();
  const named = tracks.slice(0, 8);
  setNotice(
    `There is no track “${trackId}” in this ledger. ${tracks.length === 1 ? 'Its track:' : `Its ${tracks.length} tracks${tracks.length > named.length ? ` (all in the list above)` : ''}:`}`,
    { kind: 'error', actions: named.map((t) => ({ label: `${isolate(t.name)} (${t.trackId})`, run: () => chooseTrack(t.trackId) })) },
  );
  showEverywhere(`There is no track “${trackId}” in this ledger: choose one of its tracks above.`);
};

/**
 * Shows the track a link or a choice names; one not in the list read at the start may have been
 * recorded since (`reread`: or removed from it), so the list is read again before it is called unknown.
 */
const followTrack = async (trackId, { reread = false } = {}) => {
  if (reread || !tracks.some((t) => t.trackId === trackId)) {
    try {
      tracks = (await api.tracks()).tracks ?? [];
    } catch (error) {
      handleError(error);
      return;
    }
    if (trackId !== state.trackId) return;
  }
  if (!tracks.some((t) => t.trackId === trackId)) showUnknownTrack(trackId);
  else if (!reread) chooseTrack(trackId);
  else setNotice(`Track “${trackId}” could not be read just now.`, { kind: 'error', action: { label: 'Try again', run: () => loadTrack() } });
};

/** Reads the tracks, then the chosen one. */
const start = async () => {
  if (!token) {
    askForToken('This dashboard reads the ledger with a viewer token.');
    trackPickerWaiting();
    showEverywhere('Waiting for a viewer token.');
    return;
  }
  el.track.replaceChildren(h('option', { value: '' }, 'Loading tracks…'));
  setNotice('Loading the tracks…');
  try {
    tracks = (await api.tracks()).tracks ?? [];
  } catch (error) {
    handleError(error);
    return;
  }
  setNotice('');
  if (tracks.length === 0) {
    renderTrackOptions();
    el.track.replaceChildren(h('option', { value: '' }, 'No tracks'));
    showEverywhere('There are no tracks in this ledger yet. The secretariat records one first (for an example, “npm run demo” loads a demo track into an empty data directory).');
    setBusy(false);
    return;
  }
  // No track named: the first. A link naming one that is not there says so (showUnknownTrack).
  if (!state.trackId) state.trackId = tracks[0].trackId;
  if (!tracks.some((t) => t.trackId === state.trackId)) {
    showUnknownTrack(state.trackId);
    return;
  }
  renderTrackOptions();
  syncControls();
  // A shared link or a reload reopens the detail it names; chooseTrack loads it with the panels.
  if (state.detail && !el.detail.open) showDetail(null);
  chooseTrack(state.trackId);
};

/** `invalid`: the token in use was refused; the field says so (aria-invalid) until something new is typed. */
function askForToken(reason, { canCancel = Boolean(token), invalid = false } = {}) {
  el.tokenReason.textContent = reason;
  el.tokenInput.value = '';
  if (invalid) el.tokenInput.setAttribute('aria-invalid', 'true');
  else el.tokenInput.removeAttribute('aria-invalid');
  el.tokenCancel.hidden = !canCancel;
  el.dialog.dataset.canCancel = String(canCancel);
  if (!el.dialog.open) el.dialog.showModal();
  el.tokenInput.focus();
}

const setDate = (date, { immediate = true } = {}) => {
  const today = todayUtc();
  state.asOf = isDate(date) && date < today ? date : null;
  writeUrl();
  syncControls();
  clearTimeout(setDate.timer);
  if (immediate) void loadTrack({ quiet: true });
  else setDate.timer = setTimeout(() => void loadTrack({ quiet: true }), 200);
};

el.slider.addEventListener('input', () => {
  const bounds = shown.bounds ?? { min: addDays(todayUtc(), -365) };
  setDate(addDays(bounds.min, Number(el.slider.value)), { immediate: false });
});
// A date typed with the keyboard changes the value at every digit (year 0002, 0020, 0202, 2025):
// only a four-digit year is a date the user means, and the load waits until the typing pauses.
let dateTyping;
el.dateField.addEventListener('change', () => {
  clearTimeout(dateTyping);
  const value = el.dateField.value;
  if (!isDate(value) || value < '1000-01-01') return;
  dateTyping = setTimeout(() => setDate(value), 250);
});
el.dateField.addEventListener('blur', () => {
  if (!isDate(el.dateField.value) || el.dateField.value < '1000-01-01') syncControls();
});
el.today.addEventListener('click', () => {
  setDate(null);
  el.slider.focus();
});
/**
 * The view toggle. 'known' takes its knownAt from the second date field (today when it holds none):
 * what was true on the date in view, as the ledger knew it at the end of that day.
 */
let knownTyping;
function setView(view, { knownAt = state.knownAt } = {}) {
  state.view = VIEWS.has(view) ? view : 'true';
  state.knownAt = state.view === 'known' ? (isKnownDate(knownAt) ? knownAt : isKnownDate(el.knownField.value) ? el.knownField.value : todayUtc()) : null;
  writeUrl();
  syncControls();
  clearTimeout(knownTyping);
  void loadTrack({ quiet: true });
}
for (const radio of el.views) radio.addEventListener('change', () => setView(radio.value));
// Typed like the date field: a four-digit year, then a pause. A date after today is not on record yet.
el.knownField.addEventListener('change', () => {
  clearTimeout(knownTyping);
  const value = el.knownField.value;
  if (!isKnownDate(value)) return;
  knownTyping = setTimeout(() => {
    if (state.view !== 'known' || value === state.knownAt) return;
    setView('known', { knownAt: value });
    // The open detail says its own change when it has been read again.
    if (!el.detail.open) announce(explainerText());
  }, 250);
});
el.knownField.addEventListener('blur', () => {
  if (!isKnownDate(el.knownField.value)) syncControls();
});
el.track.addEventListener('change', () => {
  // A subject or session belongs to one track: its detail closes when another track is chosen.
  if (!el.track.value) return;
  if (state.detail) closeDetail({ restoreFocus: false });
  chooseTrack(el.track.value);
});
el.tokenButton.addEventListener('click', () => askForToken('Enter the viewer token this dashboard should use.'));
el.tokenCancel.addEventListener('click', () => el.dialog.close());
el.tokenInput.addEventListener('input', () => el.tokenInput.removeAttribute('aria-invalid'));
el.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = el.tokenInput.value.trim();
  if (!value) return;
  token = value;
  storeToken(token);
  el.dialog.close();
  void start();
});
el.dialog.addEventListener('cancel', (event) => {
  // Nothing works without a good token, so Escape only closes the dialog when the current one is not known to be bad.
  if (el.dialog.dataset.canCancel !== 'true') event.preventDefault();
});
/** Where Escape means something to the control itself (clears or leaves a typed value). */
const TEXT_ENTRY = 'input:not([type="radio"]):not([type="checkbox"]):not([type="range"]):not([type="button"]):not([type="submit"]), textarea, select';
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  // A chip's statement (its sibling in .chip-wrap) shows on focus: the first Escape hides it.
  const active = document.activeElement;
  const wrap = active?.closest?.('.chip-wrap');
  if (wrap && !wrap.classList.contains('tip-dismissed')) {
    wrap.classList.add('tip-dismissed');
    return;
  }
  // The open detail closes from anywhere (inside it, its own handler did), except from the token
  // dialog or a field being typed into. Focus stays where it is, unless it was nowhere.
  if (!el.detail.open || el.dialog.open || el.detail.contains(active) || active?.matches?.(TEXT_ENTRY)) return;
  event.preventDefault();
  closeDetail({ restoreFocus: !active || active === document.body || active === document.documentElement });
});
document.addEventListener('focusout', (event) => event.target?.closest?.('.chip-wrap')?.classList.remove('tip-dismissed'));
// The URL's hash holds the view state, so the skip link moves focus itself instead of navigating:
// to the board, or to the open detail (which, on a narrow screen, takes the board's place).
el.skipLink.addEventListener('click', (event) => {
  event.preventDefault();
  if (el.detail.open) {
    el.detailTitle.focus({ preventScroll: true });
    (getComputedStyle(el.main).display === 'none' ? el.detail : el.detailTitle).scrollIntoView({ block: 'start' });
    return;
  }
  const heading = $('board-heading');
  heading.focus();
  heading.scrollIntoView({ block: 'start' });
});
// Every "open the detail" button of the panels and of the detail itself carries data-detail="kind:id".
document.addEventListener('click', (event) => {
  const button = event.target?.closest?.('[data-detail]');
  if (!button) return;
  const detail = parseDetail(button.dataset.detail);
  if (detail) openDetail(detail, button);
});
el.detailClose.addEventListener('click', () => closeDetail());
el.detail.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  event.preventDefault();
  closeDetail();
});
// Some browsers let Escape close even a non-modal dialog: close it our way, with the URL and the focus.
el.detail.addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDetail();
});
/*
 * The date bar stays on top only while it leaves most of the window to the page: on a short window
 * (CSS: max-height 500px) or wherever it would take more than a third of the window's height (a
 * narrow window, text spacing, zoom), it scrolls away with the page. The detail's sticky offset and
 * the scroll padding that keeps focus clear of the bar (--bar-h) follow its height while it sticks.
 */
const BAR_SHARE = 1 / 3;
const fitBar = () => {
  el.timeBar.classList.toggle('unstuck', el.timeBar.offsetHeight > window.innerHeight * BAR_SHARE);
  const sticky = getComputedStyle(el.timeBar).position === 'sticky';
  document.documentElement.style.setProperty('--bar-h', sticky ? `${el.timeBar.offsetHeight}px` : '0px');
};
const layoutObserver = new ResizeObserver(() => {
  fitBar();
  fitDetail();
});
for (const element of [el.timeBar, el.notice, document.querySelector('header.top')]) if (element) layoutObserver.observe(element);
window.addEventListener('scroll', fitDetail, { passive: true });
window.addEventListener('resize', () => {
  fitBar();
  fitDetail();
});

/**
 * The URL changed under the page (Back, Forward, a link, an edited address): follow it. Back and
 * Forward fire both popstate and hashchange; the second finds nothing left to do.
 */
const followUrl = () => {
  const before = { trackId: state.trackId, asOf: state.asOf, view: state.view, knownAt: state.knownAt };
  const detailBefore = el.detail.open ? shownDetail : null;
  readUrl();
  if (!state.trackId) state.trackId = before.trackId;
  syncControls();
  const cutChanged = state.asOf !== before.asOf || state.view !== before.view || state.knownAt !== before.knownAt;
  let opened = false;
  if (!state.detail && detailBefore) closeDetail({ writeHash: false });
  else if (state.detail && !sameDetail(state.detail, detailBefore)) {
    showDetail(null);
    opened = true;
  }
  if (state.trackId !== before.trackId) void followTrack(state.trackId);
  else if (cutChanged) void loadTrack({ quiet: true });
  else if (opened) void loadDetail();
};
window.addEventListener('popstate', followUrl);
window.addEventListener('hashchange', followUrl);

readUrl();
syncControls();
void start();
