import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium, freePort, ROOT, stopServer, waitForHealth } from './support/browser-kit.js';

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
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_ARGS, headless: true });
  });

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
    // A bare string is eval'd, which the page's CSP forbids: wrapped in a function (the test's types have no DOM).
    await page.waitForFunction(new Function(`return document.querySelector('#cbms table.tracker tbody tr') !== null;`) as () => unknown, undefined, { timeout: 15_000 });
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
    await page.waitForFunction(new Function(`return document.querySelectorAll('#matrix table.matrix tbody tr').length === ${NORMS + 1};`) as () => unknown, undefined, { timeout: 15_000 });
    // The last subject's row on screen (30 norms and the CBM), its box scrolled to the last party: the cell of cbm-1 × p56.
    await page.evaluate(`(() => { const box = document.querySelector('#matrix .scroll'); box.querySelector('tbody tr:last-child').scrollIntoView({ block: 'end' }); box.scrollLeft = box.scrollWidth; })()`);
    await page.waitForTimeout(100);
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
};

describeInChromium('dashboard with a 57-party track (headless Chromium)', describeWideTrack);
