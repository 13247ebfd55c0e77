import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

/*
 * What the browser tests share: Debian's chromium only (no browser is ever downloaded), the flags
 * this machine needs, a free port and a server process waited for. Read here, not through
 * src/config: CI and the machine are the tests' own inputs.
 */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
export const IN_CI = process.env.CI === 'true';
export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The flags this machine needs (see the environment notes): no background traffic to Google. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export const waitForHealth = async (base: string, child: ChildProcess, output: () => string): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${base}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server did not answer /health within 60 s:\n${output()}`);
};

/** Stops a server the test started, if it still runs (neither an exit status nor a signal yet). */
export const stopServer = async (child: ChildProcess | undefined): Promise<void> => {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
};

/**
 * `describe(title, body)` where Chromium is installed; in CI without it, a failing test saying so
 * (.ci/run installs it); elsewhere one line on stderr and a skipped test naming why.
 */
export const describeInChromium = (title: string, body: () => void): void => {
  if (CHROMIUM !== undefined) {
    describe(title, body);
  } else if (IN_CI) {
    describe(title, () => {
      it('needs Chromium in CI (.ci/run installs Debian’s chromium package)', () => {
        throw new Error('no Chromium at /usr/bin/chromium: in CI the browser test must run; install the Debian package "chromium"');
      });
    });
  } else {
    const why = `${title}: NOT RUN: no Chromium at /usr/bin/chromium (apt-get install chromium; no browser is downloaded)`;
    process.stderr.write(`${why}\n`);
    describe(title, () => {
      it.skip(why, () => undefined);
    });
  }
};

/** An expression evaluated in the page (a string: the test's types have no DOM). */
export const js = <T = unknown>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

/** Polls a page-side expression; wrapped in a function because a bare string is eval'd, which the page's CSP forbids. */
export const until = (page: Page, expression: string, timeout = 15_000): Promise<unknown> =>
  page.waitForFunction(new Function(`return (${expression});`) as () => unknown, undefined, { timeout });

/** WCAG 2.0 and 2.1, levels A and AA: what the dashboard's users hold it to. */
export const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe-core's WCAG 2.1 A and AA rules over the page as it is now: one line per violation (its impact and
 * first few elements), prefixed by `state`. axe goes in through the DevTools protocol (page.evaluate),
 * which the page's CSP does not govern.
 */
export const axeViolations = async (page: Page, state: string): Promise<string[]> => {
  if (!(await js<boolean>(page, `typeof window.axe?.run === 'function'`))) {
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  }
  const violations = await js<Array<{ id: string; impact: string; help: string; targets: string[] }>>(
    page,
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_A_AA)} }, resultTypes: ['violations'] })
      .then((results) => results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  return violations.map(({ id, impact, help, targets }) => `${state}: ${id} (${impact}) ${help}: ${targets.slice(0, 3).join(' | ')}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}`);
};
