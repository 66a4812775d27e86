/** The OpenAPI 3.1 document, generated from the contract's zod schemas (signaling/http). */
import { z } from 'zod';
import { ERROR_CODES, REASON_CODES } from '../../../signaling/index.js';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { RouteSpec } from './routes.js';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [...ERROR_CODES],
        },
        message: { type: 'string', description: 'English developer sentence' },
        reason: {
          type: 'string',
          enum: [...REASON_CODES],
          description: 'Why: clients render it from their catalogue (signaling/reasons.ts)',
        },
        params: {
          type: 'object',
          additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        },
        issues: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

function jsonSchema(schema: z.ZodTypeAny): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = zodToJsonSchema(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
  }) as Record<string, unknown>;
  return rest;
}

export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:(\w+)/g, '{$1}')}`;
    const paramSchemas = jsonSchema(r.params)['properties'] as Record<string, unknown> | undefined;
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: paramSchemas?.[m[1]!] ?? { type: 'string' },
    }));
    const query = r.query ? jsonSchema(r.query) : undefined;
    const queryParams =
      query && typeof query['properties'] === 'object'
        ? Object.entries(query['properties'] as Record<string, unknown>).map(([name, schema]) => ({
            name,
            in: 'query',
            required: false,
            schema,
          }))
        : [];
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'none' ? { security: [] } : {}),
      parameters: [...params, ...queryParams],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.body) } },
            },
          }
        : {}),
      ...(r.multipart
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    properties: Object.fromEntries(
                      Object.entries(r.multipart).map(([name, f]) => [
                        name,
                        {
                          type: 'string',
                          ...(f.type === 'binary' ? { format: 'binary' } : {}),
                          description: f.description,
                        },
                      ]),
                    ),
                  },
                },
              },
            },
          }
        : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'Success',
          content:
            r.response instanceof z.ZodType
              ? { 'application/json': { schema: jsonSchema(r.response) } }
              : { [r.response.raw]: { schema: { type: 'string', format: 'binary' } } },
        },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: ERROR_SCHEMA } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '在线调解 · Online mediation API',
      version: '1',
      description:
        'Case files of labour and personnel dispute mediation. Staff sign in at /api/auth/login; parties use single-case invitation tokens. Send either as `Authorization: Bearer <token>`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
