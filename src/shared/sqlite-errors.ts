/**
 * What SQLite said when it refused (better-sqlite3's SqliteError: `code`, `message`). Read by shape,
 * not `instanceof`: the error may come from another realm (a test's VM context, a worker).
 */
export const sqliteErrorOf = (error: unknown): { readonly code: string; readonly message: string } | undefined => {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('SQLITE_') ? { code, message: String(message) } : undefined;
};

/** Whether SQLite's code for `error` is one of `codes`, or an extended code of one (SQLITE_IOERR_WRITE). */
export const isSqliteError = (error: unknown, codes: readonly string[]): boolean => {
  const code = sqliteErrorOf(error)?.code;
  return code !== undefined && codes.some((base) => code === base || code.startsWith(`${base}_`));
};

/** A file that is not a database, or a damaged one. */
export const DAMAGED_FILE = ['SQLITE_NOTADB', 'SQLITE_CORRUPT'] as const;
/** A file or directory this process may not open, or write. */
export const NO_ACCESS = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH'] as const;
/** The file or the disk, not the statement, refused a write. */
export const STORAGE_FAULT = ['SQLITE_FULL', 'SQLITE_IOERR', ...DAMAGED_FILE, 'SQLITE_READONLY', 'SQLITE_CANTOPEN'] as const;
