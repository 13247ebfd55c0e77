// DOM builders for the four panels and the detail views. Data is only ever set as text, never parsed as HTML.

/**
 * Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko…, their presentation forms and the
 * RTL planes) and bidi controls (marks, embeddings, overrides, isolates).
 */
const BIDI = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\uD802\uD803\uD83A\uD83B][\uDC00-\uDFFF]/;

/** A text between U+2068 and U+2069 (first-strong isolate): for an <option>, which cannot hold a <bdi>. */
export const isolate = (text) => (BIDI.test(text) ? `\u2068${text}\u2069` : text);

/**
 * A text that may be right-to-left or carry a bidi override goes into a <bdi>: its direction comes
 * from its own first letter and it cannot reorder what stands beside it (an id, a date, a column).
 */
const textNode = (text) => {
  if (!BIDI.test(text)) return document.createTextNode(text);
  const bdi = document.createElement('bdi');
  bdi.textContent = text;
  return bdi;
};

export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') {
      for (const [key, data] of Object.entries(value)) if (data !== undefined && data !== null) element.dataset[key] = String(data);
    }
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    // An <option> shows only text: its caller isolates what it must (isolate).
    element.append(child instanceof Node ? child : tag === 'option' ? document.createTextNode(String(child)) : textNode(String(child)));
  }
  return element;
};

export const STANCES = ['supports', 'conditional', 'reserves', 'opposes', 'abstains'];

const STANCE_LABEL = {
  supports: 'supports',
  conditional: 'conditional',
  reserves: 'reserves',
  opposes: 'opposes',
  abstains: 'abstains',
};

const STANCE_MARK = { supports: '✓', conditional: '≈', reserves: '?', opposes: '✕', abstains: '–' };

const STATUS_LABEL = {
  proposed: 'Proposed',
  under_discussion: 'Under discussion',
  agreed_ad_referendum: 'Agreed ad referendum',
  adopted: 'Adopted',
  withdrawn: 'Withdrawn',
  agreed: 'Agreed',
  implementing: 'Implementing',
  implemented: 'Implemented',
  suspended: 'Suspended',
};

const KIND_LABEL = { norm: 'Norm', cbm: 'CBM', topic: 'Topic' };
const KIND_ORDER = { norm: 0, cbm: 1, topic: 2 };

export const statusLabel = (status) => STATUS_LABEL[status] ?? String(status ?? '').replaceAll('_', ' ');

const FLAG_LABEL = { 'decision-without-consensus': 'A decision was taken without consensus (shown by a later correction)' };

/** Norms first, then CBMs, then topics; by id within each. */
export const orderRows = (rows) =>
  [...rows].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Ids or labels (strings, nodes or arrays of them), comma-separated; `empty` when there are none. */
const list = (items, empty = 'none') => (items && items.length > 0 ? joined(items) : h('span', { class: 'muted' }, empty));

const formatDate = (date) => {
  if (!date) return '';
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
};

export const dateText = (date) => h('time', { datetime: date }, formatDate(date));

const statusBadge = (status, since) =>
  h(
    'span',
    { class: 'status-cell' },
    h('span', { class: `status status-${status}` }, statusLabel(status)),
    since ? h('span', { class: 'since' }, 'since ', dateText(since)) : null,
  );

let tipCounter = 0;

/**
 * What a chip's tooltip says: the statement, once read (`statement` undefined: not yet; null: it
 * could not be read), and when it was stated; or that the party has stated nothing.
 */
export const tipContent = (partyId, cell, statement) => {
  const lines = [];
  if (cell) {
    if (statement) {
      lines.push(h('span', { class: 'tip-text' }, `“${statement.text}”`));
      if (statement.condition) lines.push(h('span', { class: 'tip-meta' }, `Condition: ${statement.condition}`));
      if (statement.interpretativeStatement) lines.push(h('span', { class: 'tip-meta' }, `Interpretative statement: ${statement.interpretativeStatement}`));
    } else {
      lines.push(h('span', { class: 'tip-meta' }, statement === null ? 'The statement could not be read.' : 'Loading the statement…'));
    }
    lines.push(h('span', { class: 'tip-meta' }, `Stated ${formatDate(cell.effectiveOn)} · ${cell.statementId}`));
  } else {
    lines.push(h('span', { class: 'tip-meta' }, `${partyId} has stated no position yet, which blocks agreement.`));
  }
  return lines;
};

/**
 * A party's stance as a focusable chip; the statement shows on hover and on focus (keyboard and
 * touch), and is its accessible description. Its accessible name is the party and the stance only.
 * Returns the chip and its statement in a `span.chip-wrap`. The statement is read when first wanted
 * (app.js): until then the tooltip says it is loading.
 */
export const stanceChip = (rowId, partyId, cell, statement) => {
  const stance = cell ? cell.stance : 'none';
  const label = cell ? STANCE_LABEL[stance] ?? stance : 'no stance yet';
  const tipId = `tip-${++tipCounter}`;
  const tipLines = tipContent(partyId, cell, statement);
  // The tooltip is the button's sibling, not its child: the button's name stays the party and the
  // stance, and the statement is its description only. Both sit in one wrapper, so that moving the
  // pointer from the chip onto the statement keeps it open.
  return h(
    'span',
    { class: 'chip-wrap' },
    h(
      'button',
      {
        type: 'button',
        class: `chip stance-${stance}`,
        'aria-describedby': tipId,
        dataset: { focusKey: `chip:${rowId}:${partyId}`, party: partyId, stance, statementId: cell?.statementId },
      },
      h('span', { class: 'chip-party' }, partyId),
      h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[stance] ?? '·'),
      h('span', { class: 'chip-stance' }, label),
    ),
    h('span', { role: 'tooltip', id: tipId, class: 'tip' }, tipLines),
  );
};

/**
 * What opens a detail view: a button carrying `data-detail="<kind>:<id>"`, which app.js listens for.
 * `where` keeps the focus keys of the board, matrix and tracker apart.
 */
const detailButton = (kind, id, where, attributes, ...children) =>
  h('button', { type: 'button', ...attributes, dataset: { detail: `${kind}:${id}`, focusKey: `open:${where}:${kind}:${id}` } }, ...children);

const subjectButton = (row, where, titleClass = 'subject-title') =>
  detailButton(row.kind, row.id, where, { class: 'open-detail' }, h('span', { class: 'subject-id' }, row.id), h('span', { class: titleClass }, row.title));

const subjectCell = (row) =>
  h(
    'th',
    { scope: 'row', class: 'subject' },
    h('span', { class: `kind kind-${row.kind}` }, KIND_LABEL[row.kind] ?? row.kind),
    ' ',
    subjectButton(row, 'board'),
    ...(row.flags ?? []).map((flag) => h('span', { class: 'flag' }, '⚠ ', FLAG_LABEL[flag] ?? flag)),
  );

const labelled = (tag, label, attributes, ...children) => h(tag, { ...attributes, dataset: { label } }, ...children);

const linkedCell = (row) => {
  if (row.kind === 'norm') {
    const cbms = row.linkedCbms ?? [];
    if (cbms.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('ul', { class: 'plain' }, cbms.map((cbm) => h('li', {}, h('span', { class: 'subject-id' }, cbm.id), ' ', h('span', { class: `status status-${cbm.status}` }, statusLabel(cbm.status)))));
  }
  if (row.kind === 'cbm') return (row.linkedNorms ?? []).length > 0 ? h('span', {}, 'norms ', row.linkedNorms.join(', ')) : h('span', { class: 'muted' }, 'none');
  return h('span', { class: 'muted' }, '—');
};

/**
 * Above this many parties a board row summarises its stances (how many parties take each, in the
 * legend's order) and shows its chips only on request: 57 chips (an OSCE working group) made each
 * row about 440 px tall and the board hundreds of thousands of nodes. Twelve chips still fit in two
 * or three lines beside the subject on a wide screen, and take in at a glance; a bilateral track,
 * a trilateral, the G7 or ASEAN's ten keep their chips as they were.
 */
export const COMPACT_PARTIES = 12;

/** Whether the board of a track of these parties summarises its rows' stances. */
export const compactBoard = (parties) => parties.length > COMPACT_PARTIES;

/** The parties of a board row: every party of the track and whoever has a stance on it, sorted. */
const partiesOfRow = (row, parties) => [...new Set([...parties, ...Object.keys(row.stances ?? {})])].sort();

/** The chips of one board row, one per party. */
export const rowChips = (row, parties, statements) =>
  partiesOfRow(row, parties).map((p) => stanceChip(row.id, p, row.stances?.[p] ?? null, statements.get(row.stances?.[p]?.statementId)));

/** The id of the box that holds a compact row's chips once they are shown. */
export const chipsBoxId = (row) => `chips-${row.kind}-${row.id}`;

/** What the disclosure button of a compact row says, shown or not. */
export const discloseLabel = (count, expanded) => (expanded ? `Hide the ${count} stances` : `Show all ${count} stances`);

/**
 * A compact row's stances: how many parties take each stance (the legend's order, marks and colours),
 * and a disclosure button that shows (and builds) the row's chips, which then behave as everywhere.
 */
const stanceSummary = (row, parties, statements, expanded) => {
  const rowParties = partiesOfRow(row, parties);
  const counts = new Map();
  for (const p of rowParties) {
    const stance = row.stances?.[p]?.stance ?? 'none';
    counts.set(stance, (counts.get(stance) ?? 0) + 1);
  }
  const order = [...STANCES, ...[...counts.keys()].filter((s) => s !== 'none' && !STANCES.includes(s)), 'none'];
  const boxId = chipsBoxId(row);
  return h(
    'div',
    { class: 'stance-summary' },
    h(
      'ul',
      { class: 'tally', 'aria-label': `Stances of ${rowParties.length} parties` },
      order
        .filter((s) => counts.has(s))
        .map((s) =>
          h('li', { class: `chip static stance-${s}`, dataset: { stance: s, count: counts.get(s) } }, `${counts.get(s)} `, h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[s] ?? '·'), ` ${s === 'none' ? 'no stance yet' : STANCE_LABEL[s] ?? s}`),
        ),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary disclose',
        'aria-expanded': expanded ? 'true' : 'false',
        'aria-controls': boxId,
        dataset: { disclose: `${row.kind}:${row.id}`, count: rowParties.length, focusKey: `disclose:${row.kind}:${row.id}` },
      },
      h('span', { class: 'disclose-mark', 'aria-hidden': 'true' }, expanded ? '▾' : '▸'),
      ' ',
      h('span', { class: 'disclose-text' }, discloseLabel(rowParties.length, expanded)),
    ),
    h('div', { class: 'chips', id: boxId, hidden: !expanded }, expanded ? rowChips(row, parties, statements) : []),
  );
};

/**
 * Who blocks a compact row, grouped by why (their stance, or none yet) in the legend's order, each
 * party still named: "✕ opposes: es, it" then "· no stance yet (50): ad, al, …".
 */
const blockerGroups = (row) => {
  const groups = new Map();
  for (const p of row.blockingParties) {
    const stance = row.stances?.[p]?.stance ?? 'none';
    if (!groups.has(stance)) groups.set(stance, []);
    groups.get(stance).push(p);
  }
  const order = [...STANCES, ...[...groups.keys()].filter((s) => s !== 'none' && !STANCES.includes(s)), 'none'];
  return h(
    'span',
    { class: 'blockers grouped' },
    order
      .filter((s) => groups.has(s))
      .map((s) => {
        const ids = groups.get(s);
        return h(
          'span',
          { class: 'blocker-group', dataset: { stance: s } },
          h('span', { class: 'blocker-why' }, h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[s] ?? '·'), ` ${s === 'none' ? 'no stance yet' : STANCE_LABEL[s] ?? s}${ids.length > 3 ? ` (${ids.length})` : ''}:`),
          ' ',
          h('span', { class: 'blocker-ids' }, ids.join(', ')),
        );
      }),
  );
};

/**
 * One row of the board. `compact`: the stances summarised, their chips shown when `expanded`
 * (compactBoard); `changed`: it flashes (a live change).
 */
export const boardRow = (row, parties, statements, { changed = false, compact = false, expanded = false } = {}) =>
  rowRoles(
    h(
      'tr',
      { class: changed ? 'changed' : null, dataset: { rowId: row.id, kind: row.kind } },
      subjectCell(row),
      labelled('td', 'Status', { class: 'status-col' }, row.kind === 'topic' ? h('span', { class: 'muted' }, 'Topic: positions only') : statusBadge(row.status, row.statusSince)),
      labelled('td', 'Stances', { class: 'stances' }, compact ? stanceSummary(row, parties, statements, expanded) : h('div', { class: 'chips' }, rowChips(row, parties, statements))),
      labelled(
        'td',
        'Blocking',
        { class: 'blocking' },
        (row.blockingParties ?? []).length > 0
          ? compact
            ? blockerGroups(row)
            : h('span', { class: 'blockers' }, row.blockingParties.join(', '))
          : row.consensusPossible
            ? h('span', { class: 'ok' }, 'nobody', h('span', { class: 'consensus' }, 'consensus possible'))
            : h('span', { class: 'muted' }, 'nobody', row.kind === 'topic' ? null : h('span', { class: 'consensus' }, 'no support yet')),
      ),
      labelled('td', 'Awaiting confirmation', {}, list(row.pendingConfirmations, '—')),
      labelled('td', 'Linked', {}, linkedCell(row)),
    ),
  );

/**
 * The board. `parties`: every party of the track (so a missing stance shows as "no stance yet");
 * `statements`: statementId → the statement under the same cut; `changed`: the ids of rows that
 * flash; `expanded`: the kind:id of compact rows whose chips are shown.
 */
export const boardTable = (rows, parties, statements, changed = new Set(), expanded = new Set()) => {
  const compact = compactBoard(parties);
  return withTableRoles(h(
    'table',
    { class: compact ? 'board compact' : 'board', 'aria-describedby': 'board-caption' },
    h(
      'caption',
      { id: 'board-caption', class: 'visually-hidden' },
      compact
        ? 'One row per subject: status, how many parties take each stance (each party’s stance behind a button), who blocks agreement and why, and links.'
        : 'One row per subject: status, each party’s latest stance, what blocks agreement, and links.',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Subject'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Latest stances'),
        h('th', { scope: 'col' }, 'Blocking'),
        h('th', { scope: 'col' }, 'Awaiting confirmation'),
        h('th', { scope: 'col' }, 'Linked'),
      ),
    ),
    h('tbody', {}, orderRows(rows).map((row) => boardRow(row, parties, statements, { changed: changed.has(row.id), compact, expanded: expanded.has(`${row.kind}:${row.id}`) }))),
  ));
};

/** One subject's row of the stance matrix. */
export const matrixRow = (row, parties) =>
  h(
    'tr',
    { dataset: { matrixRow: `${row.kind}:${row.id}` } },
    h('th', { scope: 'row', class: 'matrix-subject' }, subjectButton(row, 'matrix', 'matrix-title')),
    parties.map((p) => {
      const cell = row.cells?.[p] ?? null;
      const stance = cell ? cell.stance : 'none';
      return h(
        'td',
        { class: `heat stance-${stance}`, title: cell ? `${p} ${stance} since ${cell.effectiveOn}` : `${p}: no stance yet` },
        h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[stance] ?? '·'),
        ' ',
        cell ? stance : h('span', {}, 'none'),
      );
    }),
  );

export const matrixTable = (matrix) => {
  const parties = matrix.parties ?? [];
  return h(
    'div',
    { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Stance matrix (scrolls sideways)' },
    h(
      'table',
      { class: 'matrix' },
      h('caption', { class: 'visually-hidden' }, 'Each party’s latest stance on each subject'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Subject'), parties.map((p) => h('th', { scope: 'col', class: 'party-col' }, p)))),
      h(
        'tbody',
        {},
        orderRows(matrix.rows ?? []).map((row) => matrixRow(row, parties)),
      ),
    ),
  );
};

export const legend = () =>
  h(
    'ul',
    { class: 'legend', 'aria-label': 'Stance colours' },
    [...STANCES, 'none'].map((s) => h('li', { class: `chip static stance-${s}` }, h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[s] ?? '·'), s === 'none' ? 'no stance yet' : s)),
  );

const sessionDate = (s) => s.heldOn ?? s.cancelledOn ?? s.scheduledFor ?? '';

const MINUTES_LABEL = {
  none: 'Minutes not yet circulated',
  circulated: 'Minutes circulated, not yet adopted',
  silence_procedure: 'Minutes under silence procedure',
  adopted: 'Minutes adopted',
};

const minutesLine = (session) => {
  const m = session.minutes ?? { status: 'none' };
  const parts = [MINUTES_LABEL[m.status] ?? `Minutes: ${m.status}`];
  if (m.status === 'silence_procedure' && m.silenceDeadline) parts.push(` until ${formatDate(m.silenceDeadline)}`);
  if (m.status === 'adopted') {
    if (m.adoptedOn) parts.push(` on ${formatDate(m.adoptedOn)}`);
    if (m.procedure === 'silence') parts.push(' by silence procedure');
    if (m.procedure === 'in_session') parts.push(m.atSessionId ? ` at ${m.atSessionId}` : ' in session');
  }
  const corrections = m.corrections ?? [];
  if (corrections.length > 0) parts.push(` · ${corrections.length} correction${corrections.length === 1 ? '' : 's'} (${corrections.join(', ')})`);
  return parts.join('');
};

const sessionStateOf = (s) => {
  const postponed = s.originallyScheduledFor && s.originallyScheduledFor !== s.scheduledFor;
  return s.status === 'held' ? 'held' : s.status === 'cancelled' ? 'cancelled' : postponed ? 'postponed' : 'scheduled';
};

const SESSION_STATE_LABEL = { held: 'Held', cancelled: 'Cancelled', postponed: 'Postponed', scheduled: 'Scheduled' };

export const sessionTimeline = (sessions) =>
  h(
    'ol',
    { class: 'timeline' },
    [...sessions]
      .sort((a, b) => (sessionDate(a) < sessionDate(b) ? -1 : sessionDate(a) > sessionDate(b) ? 1 : a.number - b.number))
      .map((s) => {
        const postponed = s.originallyScheduledFor && s.originallyScheduledFor !== s.scheduledFor;
        const state = sessionStateOf(s);
        const stateLabel = SESSION_STATE_LABEL[state];
        const when =
          s.status === 'held'
            ? ['held ', dateText(s.heldOn)]
            : s.status === 'cancelled'
              ? [s.cancelledOn ? ['cancelled ', dateText(s.cancelledOn), ' · '] : null, 'was due ', dateText(s.scheduledFor)]
              : ['due ', dateText(s.scheduledFor)];
        const overdue = (s.actionItems ?? []).filter((a) => a.overdue).length;
        const open = (s.actionItems ?? []).filter((a) => a.status === 'open').length;
        return h(
          'li',
          { class: `session session-${state}`, dataset: { sessionId: s.sessionId } },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h(
            'div',
            { class: 'session-body' },
            h(
              'p',
              { class: 'session-title' },
              h('span', { class: `badge badge-${state}` }, stateLabel),
              ' ',
              detailButton('session', s.sessionId, 'sessions', { class: 'open-detail' }, h('strong', {}, `Session ${s.number}`), ` · ${s.place}`),
            ),
            h('p', { class: 'session-when' }, when, postponed ? [' · postponed from ', dateText(s.originallyScheduledFor)] : null),
            s.status === 'held'
              ? h(
                  'p',
                  { class: 'session-minutes' },
                  minutesLine(s),
                  (s.decisions ?? []).length > 0 ? ` · ${s.decisions.length} decision${s.decisions.length === 1 ? '' : 's'}` : '',
                  open > 0 ? ` · ${open} open action item${open === 1 ? '' : 's'}${overdue > 0 ? ` (${overdue} overdue)` : ''}` : '',
                )
              : null,
          ),
        );
      }),
  );

/** One measure's row of the CBM tracker: a column per party (reported, awaiting a report, or not yet agreed). */
export const trackerRow = (row, parties) => {
  const reported = new Set(row.implementationReportedBy ?? []);
  const agreed = ['agreed', 'implementing', 'implemented', 'suspended'].includes(row.status);
  return rowRoles(
    h(
      'tr',
      { dataset: { rowId: row.id } },
      h('th', { scope: 'row', class: 'subject' }, subjectButton(row, 'tracker')),
      labelled('td', 'Status', {}, statusBadge(row.status, row.statusSince)),
      parties.map((p) =>
        labelled(
          'td',
          p,
          { class: reported.has(p) ? 'impl impl-yes' : 'impl impl-no' },
          reported.has(p) ? [h('span', { 'aria-hidden': 'true' }, '✓ '), 'reported'] : agreed ? 'awaiting report' : h('span', { class: 'muted' }, 'not yet agreed'),
        ),
      ),
      labelled('td', 'Linked norms', {}, list(row.linkedNorms)),
    ),
  );
};

/** The CBM tracker: board CBM rows with one column per party (reported or awaiting). */
export const cbmTracker = (rows, parties) => {
  const cbms = orderRows(rows.filter((r) => r.kind === 'cbm'));
  if (cbms.length === 0) return null;
  return withTableRoles(h(
    'table',
    { class: 'tracker' },
    h('caption', { class: 'visually-hidden' }, 'Each confidence-building measure, its status and which parties have reported implementing it'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Measure'), h('th', { scope: 'col' }, 'Status'), parties.map((p) => h('th', { scope: 'col', class: 'party-col' }, p)), h('th', { scope: 'col' }, 'Linked norms'))),
    h(
      'tbody',
      {},
      cbms.map((row) => trackerRow(row, parties)),
    ),
  ));
};

/** The roles of withTableRoles for one body row, built on its own (a live change). */
const rowRoles = (row) => {
  row.setAttribute('role', 'row');
  for (const cell of row.querySelectorAll('th[scope="row"]')) cell.setAttribute('role', 'rowheader');
  for (const cell of row.querySelectorAll('td')) cell.setAttribute('role', 'cell');
  return row;
};

/**
 * Explicit roles, so the table stays a table to assistive technology when a narrow screen's CSS
 * turns its rows into cards (display: block drops the implicit roles in some browsers).
 */
const withTableRoles = (table) => {
  table.setAttribute('role', 'table');
  for (const group of table.querySelectorAll(':scope > thead, :scope > tbody')) group.setAttribute('role', 'rowgroup');
  for (const row of table.querySelectorAll('tr')) row.setAttribute('role', 'row');
  for (const cell of table.querySelectorAll('th[scope="col"]')) cell.setAttribute('role', 'columnheader');
  for (const cell of table.querySelectorAll('th[scope="row"]')) cell.setAttribute('role', 'rowheader');
  for (const cell of table.querySelectorAll('td')) cell.setAttribute('role', 'cell');
  return table;
};

export const placeholder = (text) => h('p', { class: 'placeholder' }, text);

// ——— Detail views (GET /norms|cbms|topics/:id and GET /sessions/:id) ———

export const KIND_NAME = { norm: 'Norm', cbm: 'CBM', topic: 'Topic', session: 'Session' };

/**
 * `registries`: answers of GET /tracks/:trackId (or null), the later ones winning (the registry under
 * the cut after today's, say, which still names those registered after the date in view); names fall back to ids.
 */
export const namesOf = (...registries) => {
  const all = registries.filter(Boolean);
  return {
    parties: new Map(all.flatMap((r) => (r.parties ?? []).map((p) => [p.partyId, p.name]))),
    agencies: new Map(all.flatMap((r) => (r.agencies ?? []).map((a) => [a.agencyId, a.name]))),
    delegates: new Map(all.flatMap((r) => (r.delegates ?? []).map((d) => [d.delegateId, d]))),
  };
};

/** A name in its own <bdi>: whatever its script, it cannot reorder the id, comma or name beside it. */
const bdi = (text) => {
  const element = document.createElement('bdi');
  element.textContent = String(text);
  return element;
};

/** Items (nodes, strings or arrays of them) with a plain-text separator between them. */
const joined = (items, separator = ', ') => items.flatMap((item, index) => (index === 0 ? [item] : [separator, item]));

/** A party as the detail names it: `<bdi>United States of America</bdi> (us)`; its id when it has no name. */
const partyLabel = (names, partyId) => {
  const name = names.parties.get(partyId);
  return name ? [bdi(name), ` (${partyId})`] : [partyId];
};

const delegateLabel = (names, delegateId) => {
  const delegate = names.delegates.get(delegateId);
  if (!delegate?.name) return [delegateId];
  return delegate.role ? [bdi(delegate.name), ', ', bdi(delegate.role)] : [bdi(delegate.name)];
};

/**
 * Parties as the detail names them elsewhere: "United States of America (us), People's Republic of China (cn)",
 * each name isolated on its own, joined with plain text (nodes; empty for no parties).
 */
const partiesText = (names, partyIds) => joined(partyIds.map((p) => partyLabel(names, p)));

/**
 * An action item's assignee is free text ("Secretariat", "us, cn"): each comma-separated part that is a
 * known party or delegate gets its name, anything else stays as written.
 */
const assigneeText = (names, assignee) =>
  joined(
    String(assignee ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => (names.parties.has(part) ? partyLabel(names, part) : names.delegates.get(part)?.name ? delegateLabel(names, part) : part)),
  );

const formatRecorded = (timestamp) => {
  const parsed = new Date(timestamp ?? '');
  if (Number.isNaN(parsed.getTime())) return String(timestamp ?? '');
  return `${parsed.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}, ${parsed.toISOString().slice(11, 16)} UTC`;
};

const recordedText = (timestamp) => h('time', { datetime: timestamp }, formatRecorded(timestamp));

const section = (title, ...children) => h('section', { class: 'detail-section' }, h('h3', {}, title), ...children);

/** A definition list of [term, value] pairs; pairs with an empty value are left out. */
const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );

const stanceTag = (stance) =>
  h('span', { class: `chip static stance-${stance ?? 'none'}` }, h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[stance] ?? '·'), stance ? STANCE_LABEL[stance] ?? stance : 'no stance yet');

const quote = (text) => h('p', { class: 'quote' }, `“${text}”`);

/**
 * A link to another detail. `where` names the part of the detail it sits in (a history entry, a
 * decision), so that two links to the same session keep apart the focus keys that bring keyboard
 * focus back to the same one after a reload.
 */
const openLink = (kind, id, where = 'detail') => detailButton(kind, id, where, { class: 'link-button' }, id);

const DECISION_LABEL = {
  agree_ad_referendum: 'Agreed ad referendum',
  agree_cbm: 'CBM agreed',
  procedural: 'Procedural decision',
};

/** An event type in plain words ("PositionStated" → "Position stated") for anything not named here. */
const EVENT_LABEL = {
  NormProposed: 'Norm proposed',
  CbmProposed: 'CBM proposed',
  TopicOpened: 'Topic opened',
  PositionStated: 'Position stated',
  CapitalResponseRecorded: 'Capital response',
  NormWithdrawn: 'Norm withdrawn',
  CbmLinkedToNorm: 'Linked to a norm',
  CbmImplementationReported: 'Implementation reported',
  CbmSuspended: 'CBM suspended',
  CbmResumed: 'CBM resumed',
  CbmWithdrawn: 'CBM withdrawn',
};

const plainWords = (type) => {
  const words = String(type ?? '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const eventLabel = (entry) => {
  if (entry.type === 'DecisionRecorded') return `Decision: ${(DECISION_LABEL[entry.data?.kind] ?? plainWords(entry.data?.kind)).toLowerCase()}`;
  if (entry.type === 'CapitalResponseRecorded') return `Capital response: ${entry.data?.response === 'declined' ? 'declined' : 'confirmed'}`;
  return EVENT_LABEL[entry.type] ?? plainWords(entry.type);
};

const FIELD_LABEL = { effectiveOn: 'effective date', stance: 'stance', text: 'text', condition: 'condition', delegateId: 'delegate', partyId: 'party' };

const valueText = (value) => {
  if (value === null || value === undefined) return '(nothing)';
  if (typeof value === 'string') return `“${value}”`;
  return JSON.stringify(value);
};

const correctionItem = (correction, names, asOf) => {
  const late = recordedAfter(correction.recordedAt, asOf);
  return h(
    'li',
    { class: 'correction' },
    h('p', {}, h('strong', {}, 'Corrected'), ' on ', recordedText(correction.recordedAt), late ? ' (after the date in view)' : '', correction.requestedBy ? [', at the request of ', partyLabel(names, correction.requestedBy)] : '', ` · ${correction.correctionId}`, correction.corrigendumId ? ` · corrigendum ${correction.corrigendumId}` : ''),
    h('ul', { class: 'changes' }, (correction.changes ?? []).map((change) => h('li', {}, `${FIELD_LABEL[change.field] ?? change.field}: ${valueText(change.from)} → ${valueText(change.to)}`))),
    correction.reason ? h('p', { class: 'reason' }, 'Reason: ', correction.reason) : null,
  );
};

/** Whether an ISO timestamp falls after the end of the day `asOf` (UTC): recorded after the date in view. */
const recordedAfter = (recordedAt, asOf) => Boolean(asOf) && String(recordedAt ?? '').slice(0, 10) > asOf;

/**
 * One entry of a subject's history. `asOf`: the date in view, or null; `view`: 'true' or 'ledger'.
 * "What was true then" shows entries recorded after that date (back-entered); they get a marker.
 */
const historyEntry = (entry, previousStatus, names, asOf, view, index) => {
  const d = entry.data ?? {};
  const where = `detail-history-${entry.eventId ?? index}`;
  const who = [];
  if (d.partyId) who.push(partyLabel(names, d.partyId));
  if (d.delegateId) who.push(delegateLabel(names, d.delegateId));
  if (Array.isArray(d.partyIds) && d.partyIds.length > 0) who.push(['by ', partiesText(names, d.partyIds)]);
  if (Array.isArray(d.proposedBy) && d.proposedBy.length > 0) who.push(['proposed by ', partiesText(names, d.proposedBy)]);
  const how = [];
  if (d.channel) how.push(d.channel === 'written' ? 'in writing' : d.channel === 'oral' ? 'orally' : d.channel);
  if (d.communicationRef) how.push(d.communicationRef);
  const statusMoved = entry.status && entry.status !== previousStatus;
  const corrections = entry.corrections ?? [];
  const late = view !== 'ledger' && recordedAfter(entry.recordedAt, asOf);
  return h(
    'li',
    { class: ['history-entry', corrections.length > 0 ? 'corrected' : '', late ? 'recorded-later' : ''].filter(Boolean).join(' '), dataset: { type: entry.type, statementId: d.statementId, eventId: entry.eventId } },
    h('p', { class: 'history-when' }, dateText(entry.effectiveOn)),
    h(
      'div',
      { class: 'history-body' },
      h('p', { class: 'history-type' }, h('strong', {}, eventLabel(entry)), d.stance ? [' ', stanceTag(d.stance)] : null, corrections.length > 0 ? h('span', { class: 'corrected-tag' }, 'corrected') : null, late ? h('span', { class: 'late-tag' }, 'recorded later') : null),
      who.length > 0 ? h('p', { class: 'history-who' }, joined(who, ' · ')) : null,
      how.length > 0 || d.sessionId ? h('p', { class: 'history-meta' }, how.join(' · '), d.sessionId ? [how.length > 0 ? ' · ' : '', 'at ', openLink('session', d.sessionId, where)] : null) : null,
      entry.type === 'CbmLinkedToNorm' && d.normId ? h('p', {}, 'Norm ', openLink('norm', d.normId, where)) : null,
      d.text ? quote(d.text) : null,
      d.condition ? h('p', { class: 'condition' }, 'Condition: ', d.condition) : null,
      d.interpretativeStatement ? h('p', { class: 'condition' }, 'Interpretative statement: ', d.interpretativeStatement) : null,
      d.reason ? h('p', { class: 'reason' }, 'Reason: ', d.reason) : null,
      d.statementId || d.decisionId || d.reportId || d.responseId ? h('p', { class: 'history-meta' }, `Ref. ${d.statementId ?? d.decisionId ?? d.reportId ?? d.responseId}`) : null,
      statusMoved ? h('p', { class: 'history-status' }, 'Status became ', h('span', { class: `status status-${entry.status}` }, statusLabel(entry.status))) : null,
      h(
        'p',
        { class: 'history-recorded' },
        'Recorded ',
        recordedText(entry.recordedAt),
        late ? ' (after the date in view)' : null,
        entry.recordedEffectiveOn && entry.recordedEffectiveOn !== entry.effectiveOn ? [' · first recorded as effective on ', dateText(entry.recordedEffectiveOn)] : null,
      ),
      corrections.length > 0 ? h('ul', { class: 'corrections', 'aria-label': 'Corrections' }, corrections.map((c) => correctionItem(c, names, asOf))) : null,
    ),
  );
};

/** The body of a subject's detail view. `parties`: every party of the track, so a missing stance shows. */
export const subjectDetailView = (detail, { parties = [], names = namesOf(null), asOf = null, view = 'true' } = {}) => {
  const history = detail.history ?? [];
  const statements = new Map(history.filter((e) => e.type === 'PositionStated' && e.data?.statementId).map((e) => [e.data.statementId, e.data]));
  const stances = detail.stances ?? {};
  const stanceParties = [...new Set([...parties, ...Object.keys(stances), ...(detail.blockingParties ?? [])])].sort();
  const kind = detail.kind;

  const overview = facts([
    ['Status', kind === 'topic' ? h('span', { class: 'muted' }, 'A topic has no status: positions only') : statusBadge(detail.status, detail.statusSince)],
    ['Proposed by', partiesText(names, detail.proposedBy ?? [])],
    [kind === 'topic' ? 'Opened' : 'Proposed', detail.createdOn ? [dateText(detail.createdOn), detail.sessionId ? [' at ', openLink('session', detail.sessionId, 'detail-overview')] : null] : null],
    ['Adopted', detail.adoptedOn ? dateText(detail.adoptedOn) : null],
    ['Blocking', (detail.blockingParties ?? []).length > 0 ? h('span', { class: 'blockers' }, partiesText(names, detail.blockingParties)) : detail.consensusPossible ? h('span', { class: 'ok' }, 'nobody: consensus possible') : h('span', { class: 'muted' }, 'nobody')],
    ['Awaiting confirmation', kind === 'norm' ? list((detail.pendingConfirmations ?? []).map((p) => partyLabel(names, p)), 'nobody') : null],
    [
      'Linked CBMs',
      kind === 'norm'
        ? (detail.linkedCbms ?? []).length > 0
          ? h('ul', { class: 'plain' }, detail.linkedCbms.map((cbm) => h('li', {}, openLink('cbm', cbm.id, 'detail-overview'), ' ', h('span', { class: `status status-${cbm.status}` }, statusLabel(cbm.status)))))
          : h('span', { class: 'muted' }, 'none')
        : null,
    ],
    ['Linked norms', kind === 'cbm' ? ((detail.linkedNorms ?? []).length > 0 ? h('ul', { class: 'plain' }, detail.linkedNorms.map((id) => h('li', {}, openLink('norm', id, 'detail-overview')))) : h('span', { class: 'muted' }, 'none')) : null],
    ['Implementation reported by', kind === 'cbm' ? list((detail.implementationReportedBy ?? []).map((p) => partyLabel(names, p)), 'nobody yet') : null],
  ]);

  let previousStatus = null;
  const historyItems = history.map((entry, index) => {
    const item = historyEntry(entry, previousStatus, names, asOf, view, index);
    previousStatus = entry.status;
    return item;
  });

  return [
    detail.summary ? h('p', { class: 'summary' }, detail.summary) : null,
    ...(detail.flags ?? []).map((flag) => h('p', { class: 'flag' }, '⚠ ', FLAG_LABEL[flag] ?? flag)),
    overview,
    section(
      'Stances by party',
      h(
        'ul',
        { class: 'stance-list' },
        stanceParties.map((partyId) => {
          const cell = stances[partyId];
          const statement = cell ? statements.get(cell.statementId) : null;
          return h(
            'li',
            { dataset: { party: partyId, stance: cell?.stance ?? 'none' } },
            h('p', {}, h('strong', {}, partyLabel(names, partyId)), ' ', stanceTag(cell?.stance)),
            cell
              ? h('p', { class: 'history-meta' }, 'since ', dateText(cell.effectiveOn), ` · statement ${cell.statementId}`)
              : h('p', { class: 'history-meta' }, 'Has stated no position yet.'),
            statement?.condition ? h('p', { class: 'condition' }, 'Condition: ', statement.condition) : null,
          );
        }),
      ),
    ),
    (detail.decisions ?? []).length > 0
      ? section(
          'Decisions',
          h(
            'ul',
            { class: 'item-list' },
            detail.decisions.map((decision, index) =>
              h(
                'li',
                {},
                h('p', {}, h('strong', {}, DECISION_LABEL[decision.kind] ?? plainWords(decision.kind)), ' · ', dateText(decision.effectiveOn), decision.sessionId ? [' at ', openLink('session', decision.sessionId, `detail-decision-${decision.decisionId ?? index}`)] : null),
                decision.text ? quote(decision.text) : null,
                decision.consensusHeld === false ? h('p', { class: 'flag' }, '⚠ Consensus did not hold: blocked by ', (decision.blockingParties ?? []).length > 0 ? partiesText(names, decision.blockingParties) : 'nobody') : null,
              ),
            ),
          ),
        )
      : null,
    (detail.capitalResponses ?? []).length > 0
      ? section(
          'Responses from capitals',
          h('ul', { class: 'item-list' }, detail.capitalResponses.map((r) => h('li', {}, h('strong', {}, partyLabel(names, r.partyId)), ` ${r.response} · `, dateText(r.effectiveOn)))),
        )
      : null,
    (detail.reports ?? []).length > 0
      ? section(
          'Implementation reports',
          h('ul', { class: 'item-list' }, detail.reports.map((r) => h('li', {}, h('p', {}, h('strong', {}, partyLabel(names, r.partyId)), ' · ', dateText(r.effectiveOn)), r.text ? quote(r.text) : null))),
        )
      : null,
    section('History', h('p', { class: 'hint' }, 'In effective order; corrections are shown where they apply.'), h('ol', { class: 'history' }, historyItems)),
  ];
};

const PROCEDURE_LABEL = { silence: 'by silence procedure', in_session: 'in session' };

/** The body of a session's detail view. */
export const sessionDetailView = (s, { names = namesOf(null) } = {}) => {
  const state = sessionStateOf(s);
  const attendance = s.attendance ?? {};
  const agencies = s.agenciesPresent ?? {};
  const heads = s.headsOfDelegation ?? {};
  const attending = [...new Set([...Object.keys(attendance), ...Object.keys(heads), ...Object.keys(agencies)])].sort();
  const items = s.actionItems ?? [];
  const m = s.minutes ?? { status: 'none' };
  const agenda = (s.agenda ?? []).length > 0 ? s.agenda : s.provisionalAgenda ?? [];
  const agendaTitles = new Map(agenda.map((item) => [item.itemId, item.title]));

  return [
    facts([
      ['Status', h('span', { class: `badge badge-${state}` }, SESSION_STATE_LABEL[state])],
      ['Place', s.place],
      ['Host', s.hostPartyId ? partyLabel(names, s.hostPartyId) : null],
      ['Scheduled for', s.scheduledFor ? dateText(s.scheduledFor) : null],
      ['Originally scheduled for', s.originallyScheduledFor && s.originallyScheduledFor !== s.scheduledFor ? dateText(s.originallyScheduledFor) : null],
      ['Held on', s.heldOn ? dateText(s.heldOn) : null],
      ['Cancelled on', s.cancelledOn ? dateText(s.cancelledOn) : null],
    ]),
    section(
      'Attendance',
      attending.length === 0
        ? h('p', { class: 'muted' }, s.status === 'held' ? 'No attendance was recorded.' : 'The session has not been held, so no attendance is recorded.')
        : h(
            'ul',
            { class: 'attendance' },
            attending.map((partyId) =>
              h(
                'li',
                { dataset: { party: partyId } },
                h('h4', {}, partyLabel(names, partyId)),
                facts([
                  ['Head of delegation', heads[partyId] ? delegateLabel(names, heads[partyId]) : h('span', { class: 'muted' }, 'not recorded')],
                  ['Delegates', (attendance[partyId] ?? []).length > 0 ? h('ul', { class: 'plain' }, attendance[partyId].map((id) => h('li', {}, delegateLabel(names, id)))) : h('span', { class: 'muted' }, 'none recorded')],
                  ['Agencies present', (agencies[partyId] ?? []).length > 0 ? h('ul', { class: 'plain agencies' }, agencies[partyId].map((id) => h('li', {}, names.agencies.get(id) ?? id))) : h('span', { class: 'muted' }, 'none recorded')],
                ]),
              ),
            ),
          ),
    ),
    section(
      'Decisions',
      (s.decisions ?? []).length === 0
        ? h('p', { class: 'muted' }, 'No decision recorded.')
        : h(
            'ul',
            { class: 'item-list decisions' },
            s.decisions.map((decision) =>
              h(
                'li',
                { dataset: { decisionId: decision.decisionId } },
                h(
                  'p',
                  {},
                  h('strong', {}, DECISION_LABEL[decision.kind] ?? plainWords(decision.kind)),
                  decision.subject ? [' · ', KIND_NAME[decision.subject.kind] ?? decision.subject.kind, ' ', openLink(decision.subject.kind, decision.subject.id, `detail-decision-${decision.decisionId}`)] : null,
                  decision.agendaItemId ? ` · under “${agendaTitles.get(decision.agendaItemId) ?? decision.agendaItemId}”` : null,
                ),
                decision.text ? quote(decision.text) : null,
              ),
            ),
          ),
    ),
    section(
      'Action items',
      items.length === 0
        ? h('p', { class: 'muted' }, 'No action item assigned.')
        : h(
            'ul',
            { class: 'item-list action-items' },
            items.map((item) => {
              const label = item.status === 'completed' ? 'Completed' : item.overdue ? 'Overdue' : 'Open';
              return h(
                'li',
                { dataset: { actionItemId: item.actionItemId, state: label.toLowerCase() } },
                h('p', {}, h('span', { class: `badge badge-item-${label.toLowerCase()}` }, label), ' ', h('strong', {}, String(item.assignee ?? '').trim() ? assigneeText(names, item.assignee) : item.assignee)),
                h('p', {}, item.text),
                h(
                  'p',
                  { class: 'history-meta' },
                  item.dueOn ? ['due ', dateText(item.dueOn)] : 'no due date',
                  item.completedOn ? [' · completed ', dateText(item.completedOn)] : null,
                  ` · ${item.actionItemId}`,
                ),
              );
            }),
          ),
    ),
    section(
      'Minutes',
      facts([
        ['Status', MINUTES_LABEL[m.status] ?? m.status],
        ['Silence procedure until', m.status === 'silence_procedure' && m.silenceDeadline ? dateText(m.silenceDeadline) : null],
        ['Adopted on', m.adoptedOn ? dateText(m.adoptedOn) : null],
        ['Procedure', m.procedure ? [PROCEDURE_LABEL[m.procedure] ?? m.procedure, m.atSessionId ? [' at ', openLink('session', m.atSessionId, 'detail-minutes')] : null] : null],
        ['Corrections', (m.corrections ?? []).length > 0 ? m.corrections.join(', ') : h('span', { class: 'muted' }, 'none')],
      ]),
    ),
    agenda.length > 0
      ? section(s.status === 'held' ? 'Agenda' : 'Provisional agenda', h('ol', { class: 'agenda' }, agenda.map((item) => h('li', {}, item.title ?? item.itemId))))
      : null,
  ];
};
