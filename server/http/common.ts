import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorOut } from '../../core/schemas.ts';
import { DomainError } from '../errors.ts';

/** Error responses every route may give (the OpenAPI document lists them). */
export const errorResponses = { '4xx': ErrorOut, '5xx': ErrorOut } as const;

/** The version the caller read, from `If-Match: "<version>"`; 428 when missing (API.md). */
export function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined || header === '') throw new DomainError('precondition-required');
  const match = /^(?:W\/)?"?(\d{1,12})"?$/.exec(String(header).trim());
  // Anything that is not one of our ETags cannot match the current version.
  if (!match) throw new DomainError('precondition-failed');
  return Number(match[1]);
}

export function sendDeal<T extends { version: number }>(reply: FastifyReply, deal: T, status = 200): T {
  reply.header('etag', `"${deal.version}"`).status(status);
  return deal;
}
