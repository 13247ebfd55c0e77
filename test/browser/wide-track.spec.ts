import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, CHROMIUM, CHROMIUM_ARGS, describeInChromium, freePort, js, ROOT, stopServer, until, waitForHealth } from './support/browser-kit.js';

/*
 * The dashboard with a multilateral track (57 parties, as an OSCE working group), in a real Chromium
 * against a real server process (`node dist/main.js`; `npm test` builds dist first). Debian's
 * chromium only (support/browser-kit.ts).
 */
const VIEWER_TOKEN = 'wide-viewer-token-0123456789';
const CLERK_TOKEN = 'wide-clerk-token-0123456789';
const PARTIES = Array.from({ length: 57 }, (_, i) => `p${String(i).padStart(2, '0')}`);
/** More rows than a 900-pixel window holds. */
const NORMS = 30;

const describeWideTrack = (): void => {
  jest.setTimeout(120_000);
  let dataDir: string;
  let server: ChildProcess;
  let output = '';
  let base: string;
  let browser: Browser;

  const clerkPost = async (path: string, body: unknown): Promise<number> =>
    (await fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${CLERK_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'norms-ledger-wide-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', LEDGER_DATA_DIR: dataDir, LEDGER_TOKENS: `viewer:${VIEWER_TOKEN},clerk:${CLERK_TOKEN}`, LOG_LEVEL: 'warn' };
    server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForHealth(base, server, () => output);
    const statuses = [await clerkPost('/tracks', { trackId: 'osce-iwg', name: 'Informal working group', effectiveOn: '2026-01-05' })];
    for (const partyId of PARTIES) statuses.push(await clerkPost('/tracks/osce-iwg/parties', { partyId, name: `State ${partyId}`, effectiveOn: '2026-01-05' }));
    for (let n = 1; n <= NORMS; n++) statuses.push(await clerkPost('/tracks/osce-iwg/norms', { normId: `norm-${n}`, title: `Norm ${n}`, summary: 'Do not attack it.', proposedBy: ['p00'], effectiveOn: '2026-02-01' }));
    statuses.push(await clerkPost('/tracks/osce-iwg/cbms', { cbmId: 'cbm-1', title: 'Points of contact', proposedBy: ['p00'], linkedNorms: ['norm-1'], effectiveOn: '2026-02-01' }));
    // norm-1: 52 support, 3 abstain, p55 and p56 have stated nothing (they block). norm-2: p00 opposes, p01 is conditional, p02 supports, 54 have stated nothing.
    const stated = (normId: string, partyId: string, stance: string) =>
      clerkPost(`/norms/${normId}/positions`, { statementId: `st-${normId}-${partyId}`, partyId, stance, text: `${partyId} on ${normId}: ${stance}.`, channel: 'oral', ...(stance === 'conditional' ? { condition: 'subject to review' } : {}), effectiveOn: '2026-03-01' });
    for (const partyId of PARTIES.slice(0, 55)) statuses.push(await stated('norm-1', partyId, PARTIES.indexOf(partyId) < 52 ? 'supports' : 'abstains'));
    statuses.push(await stated('norm-2', 'p00', 'opposes'), await stated('norm-2', 'p01', 'conditional'), await stated('norm-2', 'p02', 'supports'));
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_ARGS, headless: true });
  });

  const openBoard = async (width: number): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript(`localStorage.setItem('norms-ledger.viewer-token', ${JSON.stringify(VIEWER_TOKEN)})`);
    const page = await context.newPage();
    await page.goto(`${base}/#track=osce-iwg`);
    await until(page, `document.querySelectorAll('table.board tbody tr').length === ${NORMS + 1} && document.querySelector('#live-status')?.dataset.state === 'on'`);
    return page;
  };
  const boardRow = (id: string): string => `document.querySelector('table.board tbody tr[data-row-id="${id}"]')`;
  /** A row's stance counts as shown (its tally's items, spaces squeezed). */
  const tallyOf = (page: Page, id: string) => js<string[]>(page, `[...${boardRow(id)}.querySelectorAll('.tally li')].map((li) => li.textContent.replace(/\\s+/g, ' ').trim())`);
  const blockersOf = (page: Page, id: string) => js<string[]>(page, `[...${boardRow(id)}.querySelectorAll('.blocking .blocker-group')].map((g) => g.textContent.replace(/\\s+/g, ' ').trim())`);
  const chipsIn = (page: Page, id: string) => js<number>(page, `${boardRow(id)}.querySelectorAll('button.chip').length`);
  const disclose = (id: string): string => `${boardRow(id)}.querySelector('button[data-disclose]')`;

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the CBM tracker of 57 parties inside its panel on a wide screen: it scrolls sideways there, not the page', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(`localStorage.setItem('norms-ledger.viewer-token', ${JSON.stringify(VIEWER_TOKEN)})`);
    const page = await context.newPage();
    await page.goto(`${base}/#track=osce-iwg`);
    await until(page, `document.querySelector('#cbms table.tracker tbody tr') !== null`);
    const layout = (await page.evaluate(
      `(() => { const cbms = document.querySelector('#cbms'); return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, tracker: document.querySelector('#cbms table.tracker').scrollWidth, panel: cbms.clientWidth, scrolls: cbms.scrollWidth > cbms.clientWidth && getComputedStyle(cbms).overflowX === 'auto' }; })()`,
    )) as { page: number; tracker: number; panel: number; scrolls: boolean };
    // 57 party columns are wider than the panel (here about 5,700 px against 1,370)...
    expect(layout.tracker).toBeGreaterThan(layout.panel);
    // ...and the panel scrolls them; the page, its date bar and the board do not move sideways (it was 4,266 px too wide).
    expect(layout.scrolls).toBe(true);
    expect(layout.page).toBe(0);
    await context.close();
  });

  it('keeps the parties and the subjects of the stance matrix in view when it is scrolled to its far corner', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(`localStorage.setItem('norms-ledger.viewer-token', ${JSON.stringify(VIEWER_TOKEN)})`);
    const page = await context.newPage();
    await page.goto(`${base}/#track=osce-iwg`);
    await until(page, `document.querySelectorAll('#matrix table.matrix tbody tr').length === ${NORMS + 1}`);
    // The last subject's row on screen (30 norms and the CBM), its box scrolled to the last party: the cell of cbm-1 × p56.
    await page.evaluate(`(() => { const box = document.querySelector('#matrix .scroll'); box.querySelector('tbody tr:last-child').scrollIntoView({ block: 'end' }); box.scrollLeft = box.scrollWidth; })()`);
    // Scrolled to the far corner (not a fixed wait): the positions read below are laid out afresh.
    await until(page, `(() => { const box = document.querySelector('#matrix .scroll'); return box.scrollLeft > 0 && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1; })()`);
    const seen = (await page.evaluate(
      `(() => {
        const box = document.querySelector('#matrix .scroll');
        const last = box.querySelector('tbody tr:last-child');
        const top = document.querySelector('.time-bar').getBoundingClientRect().bottom;
        const shown = (el) => { const r = el.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + Math.min(8, r.width / 2), r.top + r.height / 2); return r.top >= top && r.bottom <= innerHeight && hit !== null && el.contains(hit); };
        return { cell: shown(last.querySelector('td:last-child')), party: shown(box.querySelector('thead th:last-child')), subject: shown(last.querySelector('th')) };
      })()`,
    )) as { cell: boolean; party: boolean; subject: boolean };
    // Before, the header row was 1,500 px above (19,000 in a track of 370 subjects) and the subject column 5,000 px to the left.
    expect(seen).toEqual({ cell: true, party: true, subject: true });
    await context.close();
  });

  it('summarises each board row of 57 parties: its stances counted in the legend’s order, who blocks named by why, a row under 200 px and no chips until asked', async () => {
    const page = await openBoard(1440);
    const layout = await js<{ tallest: number; chips: number; buttons: number }>(
      page,
      `({ tallest: Math.max(...[...document.querySelectorAll('table.board tbody tr')].map((tr) => tr.getBoundingClientRect().height)), chips: document.querySelectorAll('table.board .chip-wrap').length, buttons: document.querySelectorAll('table.board button[data-disclose][aria-expanded="false"]').length })`,
    );
    // Each row was about 440 px (57 chips); the board held 57 chips a row.
    expect(layout.tallest).toBeLessThan(200);
    expect(layout).toMatchObject({ chips: 0, buttons: NORMS + 1 });
    await expect(tallyOf(page, 'norm-1')).resolves.toEqual(['52 ✓ supports', '3 – abstains', '2 · no stance yet']);
    await expect(blockersOf(page, 'norm-1')).resolves.toEqual(['· no stance yet: p55, p56']);
    await expect(tallyOf(page, 'norm-2')).resolves.toEqual(['1 ✓ supports', '1 ≈ conditional', '1 ✕ opposes', '54 · no stance yet']);
    // Every blocking party named once, grouped by why, in the legend's order.
    await expect(blockersOf(page, 'norm-2')).resolves.toEqual(['≈ conditional: p01', '✕ opposes: p00', `· no stance yet (54): ${PARTIES.slice(3).join(', ')}`]);
    await expect(tallyOf(page, 'norm-3')).resolves.toEqual(['57 · no stance yet']);
    await expect(js(page, `${disclose('norm-1')}.textContent.trim()`)).resolves.toBe('▸ Show all 57 stances');
    await expect(js(page, `document.getElementById(${disclose('norm-1')}.getAttribute('aria-controls')).hidden`)).resolves.toBe(true);
    await page.context().close();
  });

  it('shows one row’s 57 chips from its button by keyboard, keeps focus there, and hides them again; a chip shows its statement as on any board', async () => {
    const page = await openBoard(1440);
    await page.evaluate(`${disclose('norm-1')}.focus()`);
    await page.keyboard.press('Enter');
    await expect(js(page, `${disclose('norm-1')}.getAttribute('aria-expanded')`)).resolves.toBe('true');
    await expect(chipsIn(page, 'norm-1')).resolves.toBe(57);
    // That row's only: the others still show their counts.
    await expect(js(page, `document.querySelectorAll('table.board button.chip').length`)).resolves.toBe(57);
    await expect(js(page, `document.activeElement === ${disclose('norm-1')}`)).resolves.toBe(true);
    await expect(js(page, `${disclose('norm-1')}.textContent.trim()`)).resolves.toBe('▾ Hide the 57 stances');
    // The next Tab stop is the row's first chip, whose statement is read and shown on focus.
    await page.keyboard.press('Tab');
    await expect(js(page, `document.activeElement?.dataset?.focusKey`)).resolves.toBe('chip:norm-1:p00');
    await until(page, `${boardRow('norm-1')}.querySelector('.chip[data-party="p00"] + [role=tooltip] .tip-text')?.textContent.includes('p00 on norm-1: supports.')`);
    await expect(js(page, `getComputedStyle(${boardRow('norm-1')}.querySelector('.chip[data-party="p00"] + [role=tooltip]')).display`)).resolves.toBe('block');
    await expect(js(page, `${boardRow('norm-1')}.querySelector('.chip[data-party="p56"]').dataset.stance`)).resolves.toBe('none');
    // Back to the button; Space hides them.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await expect(js(page, `${disclose('norm-1')}.getAttribute('aria-expanded')`)).resolves.toBe('false');
    await expect(chipsIn(page, 'norm-1')).resolves.toBe(0);
    await expect(js(page, `document.activeElement === ${disclose('norm-1')}`)).resolves.toBe(true);
    await page.context().close();
  });

  it('meets the WCAG 2.1 A and AA rules axe-core checks on the board of 57 parties with a row’s chips shown, wide and 375 px wide', async () => {
    const found: string[] = [];
    for (const width of [1440, 375]) {
      const page = await openBoard(width);
      found.push(...(await axeViolations(page, `${width} px, summaries`)));
      await page.evaluate(`${disclose('norm-2')}.click()`);
      await expect(chipsIn(page, 'norm-2')).resolves.toBe(57);
      await page.evaluate(`${boardRow('norm-2')}.querySelector('.chip[data-party="p01"]').focus()`);
      await until(page, `${boardRow('norm-2')}.querySelector('.chip[data-party="p01"] + [role=tooltip] .tip-text') !== null`);
      found.push(...(await axeViolations(page, `${width} px, a row's chips shown, a statement`)));
      await page.context().close();
    }
    expect(found).toEqual([]);
  });

  it('updates only the row a live statement changes: its counts and chips, not the other rows, the tracker or the table', async () => {
    const page = await openBoard(1440);
    await page.evaluate(`${disclose('norm-1')}.click()`);
    await expect(chipsIn(page, 'norm-1')).resolves.toBe(57);
    await page.evaluate(
      `(() => { window.kept = { table: document.querySelector('table.board'), other: ${boardRow('norm-5')}, otherChipsRow: ${boardRow('norm-2')}, tracker: document.querySelector('table.tracker tbody tr[data-row-id="cbm-1"]'), matrixRow: document.querySelector('#matrix tr[data-matrix-row="norm:norm-5"]') }; })()`,
    );
    const posted = await clerkPost('/norms/norm-1/positions', { statementId: 'st-live-p55', partyId: 'p55', stance: 'supports', text: 'p55 joins the norm, live.', channel: 'oral' });
    expect(posted).toBe(201);
    await until(page, `${boardRow('norm-1')}.querySelector('.tally li')?.textContent.replace(/\\s+/g, ' ').trim() === '53 ✓ supports'`);
    // Its chips stay shown, p55's now supports, and its statement is read (the quiet reload after a live row is done)...
    await until(page, `${boardRow('norm-1')}.querySelector('.chip[data-party="p55"] + [role=tooltip] .tip-text')?.textContent.includes('joins the norm, live')`);
    await until(page, `document.querySelector('#matrix tr[data-matrix-row="norm:norm-1"] td[title^="p55 supports"]') !== null`);
    await expect(tallyOf(page, 'norm-1')).resolves.toEqual(['53 ✓ supports', '3 – abstains', '1 · no stance yet']);
    await expect(blockersOf(page, 'norm-1')).resolves.toEqual(['· no stance yet: p56']);
    await expect(chipsIn(page, 'norm-1')).resolves.toBe(57);
    await expect(js(page, `${disclose('norm-1')}.getAttribute('aria-expanded')`)).resolves.toBe('true');
    await expect(js(page, `${boardRow('norm-1')}.classList.contains('changed')`)).resolves.toBe(true);
    // ...and every other row, the table, the tracker's row and the matrix's other rows are the very nodes they were.
    await expect(
      js(page, `({ table: window.kept.table === document.querySelector('table.board'), other: window.kept.other === ${boardRow('norm-5')} && window.kept.other.isConnected, otherChipsRow: window.kept.otherChipsRow === ${boardRow('norm-2')}, tracker: window.kept.tracker === document.querySelector('table.tracker tbody tr[data-row-id="cbm-1"]'), matrixRow: window.kept.matrixRow === document.querySelector('#matrix tr[data-matrix-row="norm:norm-5"]'), flashes: document.querySelectorAll('table.board tr.changed').length })`),
    ).resolves.toEqual({ table: true, other: true, otherChipsRow: true, tracker: true, matrixRow: true, flashes: 1 });
    await page.context().close();
  });
};

describeInChromium('dashboard with a 57-party track (headless Chromium)', describeWideTrack);
