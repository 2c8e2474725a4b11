/**
 * The API's error body (API.md "Conventions", server/errors.ts): `{error: {code, message, path?, requestId}}`
 * as ErrorOut describes it, a code of the closed set whose status is the response's, JSON, and no stack trace.
 */
import type { LightMyRequestResponse } from 'fastify';
import { ErrorOut } from '../core/schemas.ts';
import { ERROR_CODES } from '../server/errors.ts';

const ERROR_KEYS = new Set(['code', 'message', 'path', 'requestId', 'candidates']);

/** What is wrong with an error response's body; empty when it is a conforming error. */
export function errorShapeProblems(res: Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body'>) {
  const problems: string[] = [];
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    problems.push(`content type ${res.headers['content-type']}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return [...problems, `not JSON: ${res.body.slice(0, 100)}`];
  }
  const parsed = ErrorOut.safeParse(body);
  if (!parsed.success) return [...problems, `not the error schema: ${parsed.error.message.slice(0, 200)}`];
  if (Object.keys(body as object).join() !== 'error') problems.push('keys besides "error"');
  const error = parsed.data.error;
  const extra = Object.keys((body as { error: object }).error).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length > 0) problems.push(`unknown keys ${extra.join(', ')}`);
  const known = ERROR_CODES[error.code as keyof typeof ERROR_CODES];
  if (!known) problems.push(`unknown code ${error.code}`);
  else if (known.status !== res.statusCode) problems.push(`code ${error.code} with status ${res.statusCode}`);
  if (error.message.length === 0) problems.push('empty message');
  if (!error.requestId) problems.push('no requestId');
  if (/\bat .+\.(ts|js):\d+/.test(res.body)) problems.push('a stack trace');
  return problems;
}
