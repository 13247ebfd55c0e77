import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates values against the served OpenAPI 3.0 document as a strict client would: OpenAPI
 * 3.0.3's reading of `nullable` (it admits null only beside a `type`, and never beside a `$ref`
 * alone), JSON Schema formats checked, examples ignored.
 */
type Schema = Record<string, unknown>;
export type OpenApiDocument = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

const IGNORED = new Set(['example', 'examples', 'nullable', 'description', 'deprecated', 'readOnly', 'writeOnly', 'xml', 'externalDocs', 'discriminator', 'title']);

const toJsonSchema = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as Schema;
  if (typeof source.$ref === 'string') return { $ref: source.$ref.replace('#/components/schemas/', '#/definitions/') };
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (IGNORED.has(key)) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, toJsonSchema(property)])) : toJsonSchema(value);
  }
  if (source.nullable === true && typeof source.type === 'string') out.type = [source.type, 'null'];
  return out;
};

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export class OpenApiSchemas {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<unknown, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const definitions = Object.fromEntries(Object.entries(document.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
    this.ajv.addSchema({ $id: 'openapi', definitions });
  }

  /** Problems of `value` against `schema` (a schema object of the document), as `path: message`. */
  problems(schema: unknown, value: unknown): string[] {
    let validate = this.compiled.get(schema);
    if (validate === undefined) {
      const json = JSON.stringify(toJsonSchema(schema)).replaceAll('"#/definitions/', '"openapi#/definitions/');
      validate = this.ajv.compile(JSON.parse(json) as Schema);
      this.compiled.set(schema, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }

  /** The documented schema of an answer; throws when the status or media type is not documented. */
  responseSchema(method: string, path: string, status: number, mediaType = 'application/json'): unknown {
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`${method} ${path} is not documented`);
    const response = operation.responses[String(status)];
    if (response === undefined) throw new Error(`${method} ${path} does not document a ${status}`);
    const media = response.content?.[mediaType];
    if (media === undefined) throw new Error(`${method} ${path} ${status} does not document ${mediaType}`);
    return media.schema;
  }

  /** Problems of an answer against what the document says of that operation and status. */
  answerProblems(method: string, path: string, status: number, body: unknown, mediaType?: string): string[] {
    try {
      return this.problems(this.responseSchema(method, path, status, mediaType), body).map((problem) => `${method} ${path} ${status}: ${problem}`);
    } catch (error) {
      return [(error as Error).message];
    }
  }
}
