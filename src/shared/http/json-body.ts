import { isUtf8 } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import { shownField } from './shown-field.js';

/** Codes of the body errors below, which the problem filter turns into 400s. */
export const BODY_NOT_UTF8 = 'LEDGER_BODY_NOT_UTF8';
export const BODY_REPEATED_FIELD = 'LEDGER_BODY_REPEATED_FIELD';
export const BODY_ENCODED = 'LEDGER_BODY_ENCODED';
export const BODY_CHARSET = 'LEDGER_BODY_CHARSET';
export const BODY_PROTOTYPE_KEY = 'LEDGER_BODY_PROTOTYPE_KEY';

/** The charset parameter of a Content-Type, lower-cased, if it names one. */
const charsetOf = (contentType: string | undefined): string | undefined =>
  contentType === undefined ? undefined : /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1]?.toLowerCase();

/** A body refused by the JSON parser; `statusCode` makes Fastify (and Nest after it) treat it as a client error. */
export class JsonBodyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'JsonBodyError';
  }
}

/**
 * The path (`changes[1].field`, as a 400 names fields) of the first key named twice within one
 * object of `text`, which must be valid JSON; undefined if none. Keys compare as JSON strings
 * decode, so `"a"` and `"\u0061"` are the same key.
 */
export const firstRepeatedKey = (text: string): string | undefined => {
  // Per open object, the keys seen in it and the last one (whose value may be open below it); per
  // open array, the index of the element being read.
  const open: Array<{ keys: Set<string>; at: string } | { keys: null; at: number }> = [];
  let expectKey = false;
  const pathTo = (key: string): string =>
    open
      .slice(0, -1)
      .map((frame, depth) => (frame.keys === null ? `[${frame.at}]` : depth === 0 ? frame.at : `.${frame.at}`))
      .join('') + (open.length > 1 ? `.${key}` : key);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(end);
        if (d === 0x5c) {
          escaped = true;
          end += 2;
        } else if (d === 0x22) break;
        else end++;
      }
      const top = open[open.length - 1];
      if (expectKey && top !== undefined && top.keys !== null) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b) {
      open.push({ keys: new Set(), at: '' });
      expectKey = true;
    } else if (c === 0x5b) {
      open.push({ keys: null, at: 0 });
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      const top = open[open.length - 1];
      if (top !== undefined && top.keys === null) top.at++;
      else expectKey = top !== undefined;
    }
  }
  return undefined;
};

/**
 * The path of the first key that Fastify's parser refuses as prototype poisoning (`__proto__`, or
 * `constructor` holding a `prototype`), in `value` as plain JSON.parse reads it (as own keys).
 * Iterative: a body may nest thousands of levels deep (refused later, by the validation pipe).
 */
export const prototypeKeyPath = (value: unknown): string | undefined => {
  // Each entry links to its parent: a path is spelled out only for the key found (spelling every
  // path of a body nested 200,000 levels deep would take gigabytes).
  type Entry = { readonly value: unknown; readonly segment: string; readonly parent: Entry | undefined };
  const pathOf = (entry: Entry | undefined, last: string): string => {
    const segments = [last];
    for (let at = entry; at !== undefined && at.parent !== undefined; at = at.parent) segments.push(at.segment);
    return segments.reverse().join('').replace(/^\./, '');
  };
  const pending: Entry[] = [{ value, segment: '', parent: undefined }];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    const children: Entry[] = [];
    if (Array.isArray(entry.value)) {
      entry.value.forEach((element, index) => children.push({ value: element, segment: `[${index}]`, parent: entry }));
    } else if (entry.value !== null && typeof entry.value === 'object') {
      for (const [key, child] of Object.entries(entry.value)) {
        if (key === '__proto__') return pathOf(entry, `.${key}`);
        if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) return pathOf(entry, `.${key}.prototype`);
        children.push({ value: child, segment: `.${key}`, parent: entry });
      }
    }
    // Depth first, in the order the body lists them.
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]!);
  }
  return undefined;
};

/** Valid JSON refused by the parser for a prototype key: named, rather than called malformed. */
const prototypeKeyError = (text: string): JsonBodyError | undefined => {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return undefined;
  }
  const found = prototypeKeyPath(plain);
  if (found === undefined) return undefined;
  // A body nested thousands of levels deep has a path as long: the answer shows its two ends.
  const path = shownField(found);
  return new JsonBodyError(BODY_PROTOTYPE_KEY, `the body uses ${found.endsWith('constructor.prototype') ? '"constructor" holding a "prototype"' : '"__proto__"'} as a key (at ${path}), which this server refuses anywhere in a body`, path);
};

type Done = (error: Error | null, body?: unknown) => void;
type StringJsonParser = (request: FastifyRequest, body: string, done: Done) => void;

/**
 * Fastify's JSON parser (`parse`, with its prototype-poisoning checks and errors), held to what a
 * ledger must record exactly as sent: no content coding it would not decode (415); the bytes must be UTF-8 (RFC 8259 §8.1; decoding would
 * otherwise put U+FFFD in place of what was sent), and no object may name a field twice (JSON.parse
 * keeps the last, so the record could differ from what the client meant).
 */
export const strictJsonParser =
  (parse: StringJsonParser) =>
  (request: FastifyRequest, body: Buffer, done: Done): void => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      done(new JsonBodyError(BODY_ENCODED, `the body is sent with Content-Encoding ${encoding}, which this server does not decode: send it uncompressed`, undefined, 415));
      return;
    }
    // A body declared in another charset would be read as UTF-8 regardless, and a Latin-1 text whose
    // bytes happen to be valid UTF-8 recorded as another text: refused, as a content coding is.
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new JsonBodyError(BODY_CHARSET, `the body is declared as charset=${charset}: send JSON encoded as UTF-8 (charset=utf-8, or no charset)`, undefined, 415));
      return;
    }
    if (!isUtf8(body)) {
      done(new JsonBodyError(BODY_NOT_UTF8, 'the body is not valid UTF-8: send JSON encoded as UTF-8'));
      return;
    }
    const text = body.toString('utf8');
    parse(request, text, (error, parsed) => {
      if (error !== null) {
        done(prototypeKeyError(text) ?? error);
        return;
      }
      const repeated = firstRepeatedKey(text);
      if (repeated !== undefined) {
        done(new JsonBodyError(BODY_REPEATED_FIELD, `the body names the field ${JSON.stringify(repeated)} twice in one object: send each field once`, repeated));
        return;
      }
      done(null, parsed);
    });
  };
