import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Finishing touches on the generated OpenAPI document, so that a client validating against it, or
 * generating types from it, is told what the server does (an outside audit drove the server from
 * the document alone and validated every answer).
 */

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Only null, as OpenAPI 3.0 can say it (`nullable` counts only beside a `type`, and not inside an `enum`). */
const NULL_ONLY: Schema = { type: 'object', nullable: true, enum: [null] };

/**
 * OpenAPI 3.0.3's reading of `nullable`, which @nestjs/swagger does not follow: a nullable enum
 * must list null, and a nullable reference (`nullable` beside `allOf: [$ref]`) admits null only as
 * a branch of its own.
 */
const admitNull = (schema: Schema): void => {
  if (schema.nullable !== true) return;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...(schema.enum as unknown[]), null];
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && schema.properties === undefined) {
    schema.oneOf = [allOf[0], NULL_ONLY];
    delete schema.allOf;
    delete schema.nullable;
    delete schema.type;
  }
};

/** Every schema inside `schema` (itself included), depth first. */
const walk = (schema: unknown, visit: (schema: Schema) => void): void => {
  if (!isSchema(schema)) return;
  visit(schema);
  for (const key of ['items', 'additionalProperties', 'not'] as const) walk(schema[key], visit);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) if (Array.isArray(schema[key])) for (const branch of schema[key] as unknown[]) walk(branch, visit);
  if (isSchema(schema.properties)) for (const property of Object.values(schema.properties)) walk(property, visit);
};

const refName = (ref: unknown): string | undefined => (typeof ref === 'string' && ref.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined);

/** The component schemas a request body names, and every one they name in turn. */
const requestSchemaNames = (document: OpenAPIObject): Set<string> => {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const found = new Set<string>();
  const pending: string[] = [];
  const note = (schema: Schema): void => {
    const name = refName(schema.$ref);
    if (name !== undefined && !found.has(name)) {
      found.add(name);
      pending.push(name);
    }
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>)) {
      for (const media of Object.values(operation?.requestBody?.content ?? {})) walk(media.schema, note);
    }
  }
  while (pending.length > 0) walk(schemas[pending.pop()!], note);
  return found;
};

/**
 * Constraints the DTO decorators cannot carry to the component schema (a property's siblings of a
 * `$ref` are ignored in 3.0): a correction's target names exactly one of eventId and statementId.
 */
const COMPONENT_CONSTRAINTS: Readonly<Record<string, Schema>> = {
  CorrectionTargetDto: { minProperties: 1, maxProperties: 1 },
};

export const finishDocument = (document: OpenAPIObject): void => {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const schema of Object.values(schemas)) walk(schema, admitNull);
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>)) {
      for (const response of Object.values(operation?.responses ?? {})) for (const media of Object.values(response.content ?? {})) walk(media.schema, admitNull);
    }
  }
  // The server refuses a field a request schema does not declare (DESIGN §7): the schema says so.
  for (const name of requestSchemaNames(document)) {
    const schema = schemas[name];
    if (schema !== undefined && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  for (const [name, constraints] of Object.entries(COMPONENT_CONSTRAINTS)) if (schemas[name] !== undefined) Object.assign(schemas[name], constraints);
};

/** Whether a request's Accept header asks for a page (a browser always lists text/html). */
const wantsPage = (accept: string | undefined): boolean => accept !== undefined && /\b(?:text\/html|application\/xhtml\+xml)\b/i.test(accept);

/**
 * DESIGN §7 puts "the OpenAPI document at /docs": a client that does not ask for a page (curl, a
 * test, a client generator) gets the document itself there, as JSON; a browser gets Swagger UI.
 * `/docs/openapi.json` serves the document to everyone.
 */
export const serveDocumentAtDocs = (fastify: FastifyInstance, document: OpenAPIObject): void => {
  const json = JSON.stringify(document);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // Every request passes here: the route Fastify matched says it without parsing the URL.
    const route = request.routeOptions.url;
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (route !== '/docs' && route !== '/docs/')) {
      done();
      return;
    }
    // The answer depends on Accept: a cache must not give a browser the JSON, or curl the page.
    void reply.header('vary', 'Accept');
    if (wantsPage(request.headers.accept)) done();
    else void reply.header('content-type', 'application/json; charset=utf-8').send(json);
  });
};
