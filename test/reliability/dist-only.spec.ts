import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disposeLedger, ROOT, type RunningLedger, startedLedger } from './support/ledger-process.js';

/*
 * A deployment that ships dist/ with package.json and node_modules, without src/: the server must
 * still serve the dashboard (`npm run build` copies its files into dist/dashboard/public).
 */
describe('the server run from a copy of dist/ without src/', () => {
  let shipped: string;
  let ledger: RunningLedger | undefined;

  beforeAll(async () => {
    shipped = mkdtempSync(join(tmpdir(), 'norms-ledger-shipped-'));
    cpSync(join(ROOT, 'dist'), join(shipped, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(shipped, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(shipped, 'node_modules'), 'dir');
    ledger = await startedLedger({}, shipped);
  }, 180_000);

  afterAll(async () => {
    await disposeLedger(ledger);
    if (shipped) rmSync(shipped, { recursive: true, force: true });
  });

  it('serves the dashboard page and every file it loads', async () => {
    const { client } = ledger!;
    const page = await client.request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(page.body)).toContain('<script type="module" src="/assets/app.js">');
    for (const file of ['app.js', 'api.js', 'render.js', 'app.css', 'favicon.svg']) {
      const asset = await client.request('GET', `/assets/${file}`);
      expect({ file, status: asset.status }).toEqual({ file, status: 200 });
    }
  });
});
