/**
 * The typed API client (openapi-fetch over the generated schema.d.ts). Cookie session: every state-changing
 * request carries the CSRF token the login response gave; it is kept in localStorage so reloads and new
 * tabs keep working, and dropped on sign-out.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type Deal = components['schemas']['Deal'];
export type DealSummary = components['schemas']['DealSummary'];
export type AcceptBody = NonNullable<
  NonNullable<paths['/api/v1/deals/{id}/accept']['post']['requestBody']>['content']['application/json']
>;
export type Money = components['schemas']['Money'];
export type CreateDeal = components['schemas']['CreateDeal'];
export type DuplicateCandidate = components['schemas']['DuplicateCandidate'];
export type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];
export type ListParams = NonNullable<paths['/api/v1/deals']['get']['parameters']['query']>;
export type Company =
  paths['/api/v1/companies']['get']['responses'][200]['content']['application/json']['items'][number];
export type Solution =
  paths['/api/v1/solutions']['get']['responses'][200]['content']['application/json']['items'][number];
export type Partner =
  paths['/api/v1/partners']['get']['responses'][200]['content']['application/json']['items'][number];
export type Note =
  paths['/api/v1/deals/{id}/notes']['get']['responses'][200]['content']['application/json']['items'][number];
export type Activity =
  paths['/api/v1/deals/{id}/activity']['get']['responses'][200]['content']['application/json']['items'][number];

const CSRF_KEY = 'cosell.csrf';

export function setCsrfToken(token: string | null): void {
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

const csrf: Middleware = {
  onRequest({ request }) {
    const token = localStorage.getItem(CSRF_KEY);
    if (token && request.method !== 'GET' && request.method !== 'HEAD') {
      request.headers.set('x-csrf-token', token);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

/** An error answer of the API: `{error: {code, message, path?, candidates?}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly candidates?: DuplicateCandidate[],
  ) {
    super(message);
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer; throws ApiError otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as {
      error?: { code?: string; message?: string; path?: string; candidates?: DuplicateCandidate[] };
    };
    const e = body.error ?? {};
    throw new ApiError(
      result.response.status,
      e.code ?? 'unknown',
      e.message ?? result.response.statusText,
      e.path,
      e.candidates,
    );
  }
  return result.data as T;
}

/** The If-Match header for a deal as it was read. */
export const ifMatch = (deal: { version: number }) => ({ 'if-match': `"${deal.version}"` });
