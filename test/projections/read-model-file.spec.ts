import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openReadModelDb, READ_MODEL_SCHEMA_VERSION } from '../../src/projections/read-model/read-model.database.js';

/** The read models hold nothing the ledger does not: a file SQLite cannot read is dropped and built again, not a failed start. */
describe('opening the read-model file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'norms-ledger-read-model-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a file that is not a database', 'this is not SQLite '.repeat(300)],
    ['a database cut short (its header only)', 'SQLite format 3\u0000'.padEnd(100, '\u0000') + '\u0010\u0000'],
  ])('opens %s as an empty read model, ready to be built', (_what, bytes) => {
    const file = join(dir, 'read-models.sqlite');
    writeFileSync(file, bytes);
    const notices: string[] = [];
    const db = openReadModelDb(file, (line) => notices.push(line));
    // Said, so that an operator learns of the damage (a disk to check).
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^the read models at ${file} cannot be read \\([^)]+\\): the file is removed and they are built again from the log; check the disk if this recurs$`))]);
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get()).toEqual(expect.any(String));
      expect(db.prepare('SELECT COUNT(*) FROM subjects').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('says nothing of a file it can read, and names the schemas when the file is of another', () => {
    const file = join(dir, 'read-models.sqlite');
    const notices: string[] = [];
    openReadModelDb(file, (line) => notices.push(line)).close();
    openReadModelDb(file, (line) => notices.push(line)).close();
    expect(notices).toEqual([]);
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = 'layout-0' WHERE key = 'schema'").run();
    db.close();
    openReadModelDb(file, (line) => notices.push(line)).close();
    expect(notices).toEqual([`the read models at ${file} are of schema layout-0, this build's is ${READ_MODEL_SCHEMA_VERSION}: they are built again from the log`]);
  });

  it('names the file and LEDGER_DATA_DIR when SQLite cannot open it at all (a directory in its place)', () => {
    const file = join(dir, 'read-models.sqlite');
    mkdirSync(file);
    expect(() => openReadModelDb(file)).toThrow(
      `cannot open the read models at ${file} (unable to open database file): it must be a file this user can read and write, in a directory it can write; check LEDGER_DATA_DIR`,
    );
  });
});
