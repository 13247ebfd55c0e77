import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, UnprocessableError } from '../../shared/domain/domain-error.js';
import type { EventStore, EventToAppend, ExpectedRevision, JsonObject } from '../../shared/event-store/event-store.port.js';
import { type PublicKeyInfo, publicKeyProblem } from '../domain/checkpoint.js';
import { CHECKPOINT_ISSUED, CHECKPOINT_STREAM } from '../domain/checkpoint.events.js';
import { plural } from '../../shared/plural.js';
import { firstRepeatedKey } from '../../shared/http/json-body.js';
import { describeProblem, LedgerVerifier, problemCountOf, type StoredEventText, type VerificationReport } from '../domain/verifier.js';
import { envelopeLine, rawEvents } from './ledger-source.js';
import { PROGRESS_EVERY, type ProgressListener } from './verify-ledger.query.js';

const keyInfo = (key: PublicKeyInfo): PublicKeyInfo => ({ keyId: key.keyId, algorithm: key.algorithm, spki: key.spki });

/**
 * The bundle (DESIGN.md §6): one NDJSON line per event in global order, checkpoints at their own
 * place, then {"publicKey": {...}}. It is a consistent prefix of the log: the head is fixed when
 * the export begins. `keys`: the signing key first, then the other keys this ledger trusts (those
 * of the bundles it was imported from, which signed its older checkpoints), carried on the same
 * last line as `trustedKeys` (lines may carry more fields) so that the bundle verifies offline.
 */
export async function* bundleLines(store: EventStore, keys: readonly [PublicKeyInfo, ...PublicKeyInfo[]], onProgress?: ProgressListener): AsyncGenerator<string> {
  const [publicKey, ...others] = keys;
  const head = await store.headPosition();
  let count = 0;
  for await (const raw of rawEvents(store, { upTo: head })) {
    yield envelopeLine(raw);
    if (onProgress !== undefined && ++count % PROGRESS_EVERY === 0) onProgress(count);
  }
  onProgress?.(count);
  const trustedKeys = others.filter((key) => key.keyId !== publicKey.keyId).map(keyInfo);
  yield `${JSON.stringify({ publicKey: keyInfo(publicKey), ...(trustedKeys.length > 0 ? { trustedKeys } : {}) })}\n`;
}

/** The temporary file an export of `file` writes before renaming it into place. */
export const partialBundleOf = (file: string): string => `${file}.partial`;

/**
 * Writes the bundle to a temporary file renamed into place, so a failed export leaves no half bundle.
 * Owner-only (0600), as the ledger it copies: who else may read it is the exporter's choice to make.
 */
export const exportBundle = async (
  store: EventStore,
  keys: readonly [PublicKeyInfo, ...PublicKeyInfo[]],
  file: string,
  onProgress?: ProgressListener,
): Promise<{ events: number; bytes: number }> => {
  const temporary = partialBundleOf(file);
  let events = 0;
  const counting: ProgressListener = (done) => {
    events = done;
    onProgress?.(done);
  };
  try {
    // A leftover .partial (a killed export) would keep its own mode: the file is made anew.
    await rm(temporary, { force: true });
    await pipeline(Readable.from(bundleLines(store, keys, counting)), createWriteStream(temporary, { mode: 0o600, flags: 'wx' }));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { events, bytes: (await stat(file)).size };
};

export interface BundleLine {
  readonly line: number;
  readonly text: string;
}

/** Lines of a file, numbered from 1, read with back-pressure (never the whole file in memory); a leading BOM is dropped. */
export async function* bundleFileLines(file: string): AsyncGenerator<BundleLine> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      // A byte order mark, as some editors save UTF-8, is no part of the first line (nor of any hash).
      yield { line, text: line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const isKeyLine = (value: unknown): value is { publicKey: unknown } => isObject(value) && 'publicKey' in value && !('streamId' in value);

export interface BundleVerifyOptions {
  readonly onProgress?: ProgressListener;
  /** Keys trusted besides the bundle's own (a bundle signed by an attacker carries the attacker's key). */
  readonly publicKeys?: readonly PublicKeyInfo[];
  /**
   * When set, only these keys are trusted (the auditor pins the ledger's published keyIds): each
   * must be the bundle's key or one of its trustedKeys (a ledger moved by import has signed with
   * two keys), and a checkpoint signed by any other key is a problem.
   */
  readonly expectKeyId?: string | readonly string[];
  /** False forces the full path (parse + canonicalize + SHA-256) for every line. */
  readonly fastPath?: boolean;
}

const CHECKPOINT_LINE_START = `{"streamId":${JSON.stringify(CHECKPOINT_STREAM)},`;

/**
 * The `upTo` of the bundle's last checkpoint line, found by reading the file backwards in 1 MiB
 * chunks (constant memory), so the fast path knows how far it may go without a pass of its own.
 */
const lastCheckpointUpToInFile = async (file: string): Promise<string | undefined> => {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const marker = Buffer.from(`\n${CHECKPOINT_LINE_START}`);
    const chunk = Buffer.alloc((1 << 20) + marker.length);
    let lineStart = -1;
    for (let end = size; end > 0 && lineStart < 0; ) {
      const start = Math.max(0, end - (1 << 20));
      const { bytesRead } = await handle.read(chunk, 0, Math.min(size, end + marker.length) - start, start);
      const view = chunk.subarray(0, bytesRead);
      const at = view.lastIndexOf(marker);
      if (at >= 0) lineStart = start + at + 1;
      else if (start === 0 && view.subarray(0, marker.length - 1).equals(marker.subarray(1))) lineStart = 0;
      end = start;
    }
    if (lineStart < 0) return undefined;
    // A checkpoint line is a few hundred bytes; 64 KiB is plenty.
    const line = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(line, 0, line.length, lineStart);
    const newline = line.subarray(0, bytesRead).indexOf(0x0a);
    const upTo = (JSON.parse(line.toString('utf8', 0, newline < 0 ? bytesRead : newline)) as { data?: { upTo?: unknown } }).data?.upTo;
    return typeof upTo === 'string' && /^\d{1,30}$/.test(upTo) ? upTo.replace(/^0+(?=\d)/, '') : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
};

/** The start of a line as envelopeLine writes it; strings without escapes, so their text is their value. */
const LINE_HEAD =
  /^\{"streamId":"([^"\\\u0000-\u001f]*)","revision":(0|[1-9]\d{0,14}),"position":"(0|[1-9]\d*)","eventId":"([^"\\\u0000-\u001f]*)","type":"([^"\\\u0000-\u001f]*)","data":/;
const METADATA_MEMBER = ',"metadata":{';

/** A line's parts as stored text, when it has exactly envelopeLine's layout; undefined otherwise. */
const lineParts = (text: string): StoredEventText | undefined => {
  const head = LINE_HEAD.exec(text);
  if (head === null || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  const metadataAt = text.lastIndexOf(METADATA_MEMBER);
  if (metadataAt < head[0].length) return undefined;
  return {
    streamId: head[1]!,
    revision: Number(head[2]),
    position: head[3]!,
    eventId: head[4]!,
    type: head[5]!,
    data: text.slice(head[0].length, metadataAt),
    metadata: text.slice(metadataAt + METADATA_MEMBER.length - 1, text.length - 1),
  };
};

/** The strings (keys and string values) in what JSON.parse made; a RangeError when nested too deep to recurse. */
const stringsIn = (value: unknown): number => {
  if (typeof value === 'string') return 1;
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const element of value as unknown[]) count += stringsIn(element);
  } else {
    for (const key of Object.keys(value)) count += 1 + stringsIn((value as Record<string, unknown>)[key]);
  }
  return count;
};

/** The string tokens (keys and string values) of JSON text: its unescaped `"`, two per string. */
const stringTokensIn = (text: string): number => {
  let quotes = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) quotes++;
  // In JSON a backslash only ever starts an escape, in a string, and `\"` is a quote inside it.
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 2)) if (text.charCodeAt(at + 1) === 0x22) quotes--;
  return quotes / 2;
};

/**
 * The key (as a path, `data.text`) that one object of a bundle line names twice, or undefined:
 * JSON.parse keeps the last value, a reader that keeps the first would read another line. `value`
 * is what JSON.parse made of `text`. Cheap on every line: JSON.parse drops each repeated key (and
 * whatever its first value held), so the text holds more strings than the value exactly when a key
 * is repeated; only then is the line scanned for the key itself (firstRepeatedKey, a tokenizer).
 */
export const repeatedKeyIn = (text: string, value: unknown): string | undefined => {
  let parsed: number;
  try {
    parsed = stringsIn(value);
  } catch {
    return firstRepeatedKey(text);
  }
  return parsed === stringTokensIn(text) ? undefined : firstRepeatedKey(text);
};

/** Positions are canonical decimal strings: longer is larger, equal lengths compare as text. */
const coversPosition = (upTo: string | undefined, position: string): boolean =>
  upTo !== undefined && (upTo.length > position.length || (upTo.length === position.length && upTo >= position));

/**
 * Offline verification: the file alone, no store, no domain knowledge. Every problem names its
 * line; a truncated or non-NDJSON file and a missing key line are problems like any other.
 */
export const verifyBundle = async (file: string, options: BundleVerifyOptions = {}): Promise<VerificationReport> => {
  await assertReadable(file);
  if (options.fastPath !== false && options.expectKeyId !== undefined) {
    // Lines up to the last checkpoint take the verifier's fast path (their text hashed as it is);
    // that report stands only when it is clean and the checkpoint was checked, otherwise the file
    // is verified again on the full path, which names every problem exactly. Only with a pinned
    // key: the fast path relies on the signer having checked what it signed (issueCheckpoint
    // does), and a bundle's own key vouches for nothing.
    const fastUpTo = await lastCheckpointUpToInFile(file);
    if (fastUpTo !== undefined) {
      const { report, checkpointedUpTo } = await verifyBundlePass(file, options, fastUpTo);
      if (report.ok && coversPosition(checkpointedUpTo, fastUpTo)) return report;
    }
  }
  return (await verifyBundlePass(file, options, undefined)).report;
};

const verifyBundlePass = async (
  file: string,
  options: BundleVerifyOptions,
  fastUpTo: string | undefined,
): Promise<{ report: VerificationReport; checkpointedUpTo: string | undefined }> => {
  const verifier = new LedgerVerifier(fastUpTo !== undefined ? { publicKeys: options.publicKeys, fastUpTo } : { publicKeys: options.publicKeys });
  const pinned = options.expectKeyId === undefined ? undefined : new Set<string>([options.expectKeyId].flat());
  let keyLine: number | undefined;
  let lastLine = 0;
  let count = 0;
  for await (const { line, text } of bundleFileLines(file)) {
    lastLine = line;
    if (fastUpTo !== undefined && keyLine === undefined) {
      const parts = lineParts(text);
      if (parts !== undefined && verifier.addStoredText(parts)) {
        if (options.onProgress !== undefined && ++count % PROGRESS_EVERY === 0) options.onProgress(count);
        continue;
      }
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      verifier.unparseable({ line }, `not a JSON line (${(error as Error).message})`);
      continue;
    }
    // Told like a line that is not JSON: what it says depends on the reader.
    const repeated = repeatedKeyIn(text, value);
    if (repeated !== undefined) {
      verifier.unparseable({ line }, `names the key ${JSON.stringify(repeated)} twice in one object (JSON readers differ on which value it holds)`);
      continue;
    }
    if (keyLine !== undefined) {
      verifier.report({ streamId: null, revision: null, eventId: null, line, problem: 'malformed', detail: `follows the publicKey line ${keyLine}, which must be last` });
      continue;
    }
    if (isKeyLine(value)) {
      keyLine = line;
      const problem = publicKeyProblem(value.publicKey);
      if (problem !== undefined) {
        verifier.report({ streamId: null, revision: null, eventId: null, line, problem: 'bad-key', detail: problem });
        continue;
      }
      const key = value.publicKey as PublicKeyInfo;
      // The older keys the exporting ledger trusts, vouched for by the bundle as its own key is.
      const offered: PublicKeyInfo[] = [key];
      const trusted = (value as { trustedKeys?: unknown }).trustedKeys;
      if (trusted !== undefined) {
        if (!Array.isArray(trusted)) verifier.report({ streamId: null, revision: null, eventId: null, line, problem: 'bad-key', detail: 'trustedKeys is not a list of public keys' });
        else {
          for (const other of trusted) {
            const otherProblem = publicKeyProblem(other);
            if (otherProblem !== undefined) verifier.report({ streamId: null, revision: null, eventId: null, line, problem: 'bad-key', detail: `trustedKeys: ${otherProblem}` });
            else offered.push(other as PublicKeyInfo);
          }
        }
      }
      // A caller who pins keys trusts those alone, each of which the bundle must carry.
      for (const offer of offered) if (pinned === undefined || pinned.has(offer.keyId)) verifier.addPublicKey(offer);
      for (const keyId of pinned ?? []) {
        if (!offered.some((offer) => offer.keyId === keyId)) {
          const carried = offered.map((offer) => offer.keyId).join(', ');
          verifier.report({ streamId: null, revision: null, eventId: null, line, problem: 'unknown-key', detail: `the pinned key ${keyId} is not in the bundle, which carries ${carried}` });
        }
      }
      continue;
    }
    verifier.add(value, { line });
    if (options.onProgress !== undefined && ++count % PROGRESS_EVERY === 0) options.onProgress(count);
  }
  if (keyLine === undefined) {
    verifier.report({
      streamId: null,
      revision: null,
      eventId: null,
      line: lastLine + 1,
      problem: 'missing-key',
      detail: lastLine === 0 ? 'the file is empty: not a bundle' : `no {"publicKey": ...} line after line ${lastLine}: the bundle is truncated or not a bundle`,
    });
  }
  options.onProgress?.(count);
  let report = verifier.finish();
  if (pinned !== undefined && keyLine !== undefined && verifier.signedBy.length === 0 && !report.problems.some((problem) => problem.problem === 'unknown-key' && problem.line === keyLine)) {
    // A pin vouches for nothing unless a pinned key signed something: a forger drops the checkpoints.
    const keys = [...pinned];
    verifier.report({
      streamId: null,
      revision: null,
      eventId: null,
      line: keyLine,
      problem: 'unknown-key',
      detail: `no checkpoint of the bundle is signed by the pinned ${keys.length === 1 ? 'key' : 'keys'} ${keys.join(', ')}: nothing in it is vouched for by ${keys.length === 1 ? 'that key' : 'those keys'}`,
    });
    report = verifier.finish();
  }
  return { report: { ...report, signedBy: verifier.signedBy }, checkpointedUpTo: verifier.checkpointedUpTo };
};

const assertReadable = async (file: string): Promise<void> => {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UnprocessableError('bundle-unreadable', `bundle ${file} is not a file`);
  } catch (error) {
    if (error instanceof UnprocessableError) throw error;
    throw new UnprocessableError('bundle-unreadable', `bundle ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
};


export interface ImportResult {
  readonly events: number;
  readonly streams: number;
  readonly checkpoints: number;
  readonly publicKey: PublicKeyInfo;
  /** The other keys the bundle's ledger trusted (its `trustedKeys`): they signed its older checkpoints. */
  readonly trustedKeys: readonly PublicKeyInfo[];
  /**
   * The keys of the bundle (its key, then its trustedKeys) that signed at least one of its
   * checkpoints: what the importing ledger needs to trust so they verify there, and all it trusts.
   */
  readonly signingKeys: readonly PublicKeyInfo[];
  /** Key ids the bundle carries that signed none of its checkpoints: not trusted on import. */
  readonly idleKeyIds: readonly string[];
  /**
   * Events whose position in this store differs from the bundle's (checkpoints' upTo then name the
   * bundle's positions; the verifier finds their cut by their event counts). None on SQLite, which
   * stores each event at the bundle's position; on EventStoreDB, counted by appends (a run of one
   * stream's events is one append).
   */
  readonly renumbered: number;
}

/** A position appendAtPositions can keep: a whole number from 1 to 2^53 - 1. */
const keepablePosition = (position: string): boolean => /^[1-9]\d{0,15}$/.test(position) && Number.isSafeInteger(Number(position));

const IN_FLIGHT = 512;
/** One append of a store that does not keep positions: at most this many events, and about this much text. */
const RUN_EVENTS = 200;
const RUN_CHARS = 1024 * 1024;

/** An import stopped part-way: `events` were loaded into the store before `reason`. */
export class ImportFailedError extends ConflictError {
  constructor(
    readonly events: number,
    readonly reason: unknown,
  ) {
    super('import-failed', `import failed after ${events} events: ${(reason as Error).message}; the store now holds a partial import: remove it before importing again`);
  }
}

/**
 * Loads a bundle into an EMPTY store through the port, preserving event ids and metadata, each
 * event appended at its exact revision. The bundle is verified first: a bundle that does not
 * verify, or a store that holds anything, is refused before a single event is written.
 */
export const importBundle = async (
  store: EventStore,
  file: string,
  onProgress?: ProgressListener,
  options: Pick<BundleVerifyOptions, 'expectKeyId'> = {},
): Promise<ImportResult> => {
  const head = await store.headPosition();
  if (head !== null) {
    throw new ConflictError('store-not-empty', `the store already holds events (head position ${head}): import needs an empty store; nothing was written`);
  }
  // Pinned as verify --bundle pins: only those keys are trusted, and at least one must have signed.
  const report = await verifyBundle(file, options.expectKeyId !== undefined ? { expectKeyId: options.expectKeyId } : {});
  if (!report.ok) {
    // A bundle that only lost its end (a partial copy) is named as such above all: its checkpoints
    // met earlier in the file as signed by an unknown key only lost that key with the last line, and
    // a copy cut inside a line leaves that last line unparseable.
    const truncated = report.problems.find((problem) => problem.problem === 'missing-key');
    const cutLine = truncated?.line !== undefined ? truncated.line - 1 : undefined;
    const onlyCut =
      truncated !== undefined &&
      report.problems.every((problem) => problem === truncated || problem.problem === 'unknown-key' || (problem.problem === 'unparseable' && problem.line === cutLine));
    // A --key-id the bundle does not carry (or that signed nothing) is the cause of every checkpoint
    // before the publicKey line being "signed by key K; no public key is known": the pin is named.
    const pin = report.problems.find((problem) => problem.problem === 'unknown-key' && problem.streamId === null);
    const lead = onlyCut ? truncated : (pin ?? report.problems[0]);
    const total = problemCountOf(report);
    throw new UnprocessableError(
      'bundle-invalid',
      `bundle ${file} does not verify (${plural(total, 'problem')}${lead ? `; ${lead !== report.problems[0] ? 'above all' : 'first'}: ${describeProblem(lead)}` : ''}); nothing was written`,
    );
  }
  if (report.eventsChecked === 0) {
    // A key alone vouches for nothing: refused as verify --bundle refuses it (notABundleProblem).
    throw new UnprocessableError('bundle-invalid', `bundle ${file} holds no event, only its publicKey line: not a bundle; nothing was written`);
  }

  let publicKey: PublicKeyInfo | undefined;
  let trustedKeys: PublicKeyInfo[] = [];
  // Positions are kept while the store can keep them; once one cannot be (past 2^53), the rest are renumbered.
  let keepPositions = store.appendAtPositions !== undefined;
  const streams = new Set<string>();
  let events = 0;
  let checkpoints = 0;
  let renumbered = 0;
  const signers = new Set<string>();
  const inFlight: Array<Promise<void>> = [];
  let failure: unknown;
  // A store that keeps positions (SQLite) commits what is queued together, in call order: appends
  // are issued there without waiting for each other, and positions follow the bundle's order. Any
  // other store (EventStoreDB) may commit appends in flight in any order, which would reorder the
  // log (and refuse a stream's next revision arriving before the one it follows): there each run of
  // consecutive events of one stream is one append, answered before the next is sent.
  const inOrder = store.appendAtPositions === undefined;
  let run: { streamId: string; expected: ExpectedRevision; events: EventToAppend[]; lastPosition: string; chars: number } | undefined;
  let written = 0;
  const flushRun = async (): Promise<void> => {
    if (run === undefined) return;
    const { streamId, expected, events: batch, lastPosition } = run;
    run = undefined;
    const result = await store.append(streamId, batch, expected);
    written += batch.length;
    if (result.position !== lastPosition) renumbered += batch.length;
  };
  const addToRun = async (streamId: string, event: EventToAppend, expected: ExpectedRevision, bundlePosition: string, chars: number): Promise<void> => {
    if (run !== undefined && (run.streamId !== streamId || run.events.length >= RUN_EVENTS || run.chars + chars > RUN_CHARS)) await flushRun();
    if (run === undefined) run = { streamId, expected, events: [], lastPosition: bundlePosition, chars: 0 };
    run.events.push(event);
    run.lastPosition = bundlePosition;
    run.chars += chars;
  };
  const submit = (streamId: string, event: EventToAppend, expected: ExpectedRevision, bundlePosition: string): void => {
    keepPositions &&= keepablePosition(bundlePosition);
    const appended = keepPositions ? store.appendAtPositions!(streamId, [event], expected, [bundlePosition]) : store.append(streamId, [event], expected);
    inFlight.push(
      appended.then(
        (result) => {
          if (result.position !== bundlePosition) renumbered++;
        },
        (error: unknown) => {
          failure ??= error;
        },
      ),
    );
  };
  try {
    for await (const { text } of bundleFileLines(file)) {
      if (text.trim() === '') continue;
      const value = JSON.parse(text) as Record<string, unknown>;
      if (isKeyLine(value)) {
        publicKey = value.publicKey as PublicKeyInfo;
        // verifyBundle checked them: a list of public keys, or absent.
        const trusted = (value as { trustedKeys?: unknown }).trustedKeys;
        trustedKeys = Array.isArray(trusted) ? (trusted as PublicKeyInfo[]).map(keyInfo) : [];
        continue;
      }
      const streamId = value.streamId as string;
      const revision = value.revision as number;
      streams.add(streamId);
      if (streamId === CHECKPOINT_STREAM && value.type === CHECKPOINT_ISSUED) {
        checkpoints++;
        // verifyBundle checked each checkpoint's signature against the key its keyId names.
        signers.add((value.data as { keyId: string }).keyId);
      }
      const event: EventToAppend = { eventId: value.eventId as string, type: value.type as string, data: value.data as JsonObject, metadata: value.metadata as JsonObject };
      const expected: ExpectedRevision = revision === 0 ? 'no_stream' : revision - 1;
      const bundlePosition = typeof value.position === 'number' ? String(value.position) : (value.position as string);
      if (inOrder) await addToRun(streamId, event, expected, bundlePosition, text.length);
      else submit(streamId, event, expected, bundlePosition);
      events++;
      if (inFlight.length >= IN_FLIGHT) await Promise.all(inFlight.splice(0));
      if (failure !== undefined) throw failure;
      if (onProgress !== undefined && events % PROGRESS_EVERY === 0) onProgress(events);
    }
    await flushRun();
    await Promise.all(inFlight.splice(0));
    if (failure !== undefined) throw failure;
  } catch (error) {
    await Promise.all(inFlight);
    throw new ImportFailedError(inOrder ? written : events, error);
  }
  onProgress?.(events);
  const keys = [publicKey!, ...trustedKeys];
  return {
    events,
    streams: streams.size,
    checkpoints,
    publicKey: publicKey!,
    trustedKeys,
    signingKeys: keys.filter((key) => signers.has(key.keyId)),
    idleKeyIds: keys.filter((key) => !signers.has(key.keyId)).map((key) => key.keyId),
    renumbered,
  };
};
