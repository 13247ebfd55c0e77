// DOM builders for the four panels. Data is only ever set as text, never parsed as HTML.

export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
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

const list = (ids, empty = 'none') => (ids && ids.length > 0 ? ids.join(', ') : h('span', { class: 'muted' }, empty));

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
 * A party's stance as a focusable chip; the statement shows on hover and on focus (keyboard and
 * touch), and is its accessible description.
 */
export const stanceChip = (rowId, partyId, cell, statement) => {
  const stance = cell ? cell.stance : 'none';
  const label = cell ? STANCE_LABEL[stance] ?? stance : 'no stance yet';
  const tipId = `tip-${++tipCounter}`;
  const tipLines = [];
  if (cell) {
    if (statement) {
      tipLines.push(h('span', { class: 'tip-text' }, `“${statement.text}”`));
      if (statement.condition) tipLines.push(h('span', { class: 'tip-meta' }, `Condition: ${statement.condition}`));
      if (statement.interpretativeStatement) tipLines.push(h('span', { class: 'tip-meta' }, `Interpretative statement: ${statement.interpretativeStatement}`));
    } else {
      tipLines.push(h('span', { class: 'tip-meta' }, 'Loading the statement…'));
    }
    tipLines.push(h('span', { class: 'tip-meta' }, `Stated ${formatDate(cell.effectiveOn)} · ${cell.statementId}`));
  } else {
    tipLines.push(h('span', { class: 'tip-meta' }, `${partyId} has stated no position yet, which blocks agreement.`));
  }
  return h(
    'button',
    {
      type: 'button',
      class: `chip stance-${stance}`,
      'aria-describedby': tipId,
      dataset: { focusKey: `chip:${rowId}:${partyId}`, party: partyId, stance },
    },
    h('span', { class: 'chip-party' }, partyId),
    h('span', { class: 'chip-mark', 'aria-hidden': 'true' }, STANCE_MARK[stance] ?? '·'),
    h('span', { class: 'chip-stance' }, label),
    h('span', { role: 'tooltip', id: tipId, class: 'tip' }, tipLines),
  );
};

const subjectCell = (row) =>
  h(
    'th',
    { scope: 'row', class: 'subject' },
    h('span', { class: `kind kind-${row.kind}` }, KIND_LABEL[row.kind] ?? row.kind),
    ' ',
    h('span', { class: 'subject-id' }, row.id),
    h('span', { class: 'subject-title' }, row.title),
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
 * The board. `parties`: every party of the track (so a missing stance shows as "no stance yet");
 * `statements`: statementId → the statement under the same cut.
 */
export const boardTable = (rows, parties, statements, changed = new Set()) => {
  return withTableRoles(h(
    'table',
    { class: 'board', 'aria-describedby': 'board-caption' },
    h('caption', { id: 'board-caption', class: 'visually-hidden' }, 'One row per subject: status, each party’s latest stance, what blocks agreement, and links.'),
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
    h(
      'tbody',
      {},
      orderRows(rows).map((row) => {
        const rowParties = [...new Set([...parties, ...Object.keys(row.stances ?? {})])].sort();
        return h(
          'tr',
          { class: changed.has(row.id) ? 'changed' : null, dataset: { rowId: row.id, kind: row.kind } },
          subjectCell(row),
          labelled('td', 'Status', { class: 'status-col' }, row.kind === 'topic' ? h('span', { class: 'muted' }, 'Topic: positions only') : statusBadge(row.status, row.statusSince)),
          labelled('td', 'Stances', { class: 'stances' }, h('div', { class: 'chips' }, rowParties.map((p) => stanceChip(row.id, p, row.stances?.[p] ?? null, statements.get(row.stances?.[p]?.statementId))))),
          labelled(
            'td',
            'Blocking',
            { class: 'blocking' },
            (row.blockingParties ?? []).length > 0
              ? h('span', { class: 'blockers' }, row.blockingParties.join(', '))
              : row.consensusPossible
                ? h('span', { class: 'ok' }, 'nobody', h('span', { class: 'consensus' }, 'consensus possible'))
                : h('span', { class: 'muted' }, 'nobody', row.kind === 'topic' ? null : h('span', { class: 'consensus' }, 'no support yet')),
          ),
          labelled('td', 'Awaiting confirmation', {}, list(row.pendingConfirmations, '—')),
          labelled('td', 'Linked', {}, linkedCell(row)),
        );
      }),
    ),
  ));
};

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
        orderRows(matrix.rows ?? []).map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', class: 'matrix-subject' }, h('span', { class: 'subject-id' }, row.id), h('span', { class: 'matrix-title' }, row.title)),
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
          ),
        ),
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

export const sessionTimeline = (sessions) =>
  h(
    'ol',
    { class: 'timeline' },
    [...sessions]
      .sort((a, b) => (sessionDate(a) < sessionDate(b) ? -1 : sessionDate(a) > sessionDate(b) ? 1 : a.number - b.number))
      .map((s) => {
        const postponed = s.originallyScheduledFor && s.originallyScheduledFor !== s.scheduledFor;
        const state = s.status === 'held' ? 'held' : s.status === 'cancelled' ? 'cancelled' : postponed ? 'postponed' : 'scheduled';
        const stateLabel = { held: 'Held', cancelled: 'Cancelled', postponed: 'Postponed', scheduled: 'Scheduled' }[state];
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
            h('p', { class: 'session-title' }, h('span', { class: `badge badge-${state}` }, stateLabel), ' ', h('strong', {}, `Session ${s.number}`), ` · ${s.place}`),
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
      cbms.map((row) => {
        const reported = new Set(row.implementationReportedBy ?? []);
        const agreed = ['agreed', 'implementing', 'implemented', 'suspended'].includes(row.status);
        return h(
          'tr',
          { dataset: { rowId: row.id } },
          h('th', { scope: 'row', class: 'subject' }, h('span', { class: 'subject-id' }, row.id), h('span', { class: 'subject-title' }, row.title)),
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
        );
      }),
    ),
  ));
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
