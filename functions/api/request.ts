import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { ApiError } from '../../shared/api/errors.ts';
import { MAX_BODY_BYTES } from '../../shared/contracts/api/common.ts';

function safeParseBounded<S extends z.ZodType>(schema: S, value: unknown, where: string) {
  try {
    return schema.safeParse(value);
  } catch (error) {
    // A recursive schema (any JSON) overflows the stack on absurdly deep nesting: that is bad input, not a 500.
    if (error instanceof RangeError) throw new ApiError(400, 'invalid_request', `${where} is nested too deeply`);
    throw error;
  }
}

/** Edge parsing: every input goes through a zod schema here, and a failure is a 400 with the zod issues. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = safeParseBounded(schema, value, where);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
    throw new ApiError(400, 'invalid_request', `invalid ${where}`, details);
  }
  return parsed.data;
}

export function bodyBytes(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function assertBodyWithinLimit(event: APIGatewayProxyEventV2): void {
  const bytes = bodyBytes(event);
  if (bytes && bytes.length > MAX_BODY_BYTES) {
    throw new ApiError(413, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  }
}

/** The JSON body, parsed with `schema`. Missing or malformed JSON is a 400. */
export function jsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  const bytes = bodyBytes(event);
  if (!bytes || bytes.length === 0) throw new ApiError(400, 'invalid_request', 'a JSON body is required');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError(400, 'malformed_json', 'the body is not valid JSON');
  }
  return validate(schema, value, 'body');
}

export function pathParams<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  // API Gateway's catch-all route adds `proxy` (the whole path); the router adds the named parameters beside it.
  const { proxy: _whole, ...named } = event.pathParameters ?? {};
  return validate(schema, named, 'path');
}

export function queryParams<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  return validate(schema, event.queryStringParameters ?? {}, 'query');
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function noContent(): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 204 };
}
