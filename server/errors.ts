/**
 * The closed set of error codes (DESIGN rule 6): code → HTTP status → default message.
 * Services throw DomainError with one of these codes; the HTTP layer maps it. Anything else is a 500.
 */
export const ERROR_CODES = {
  'invalid-input': { status: 400, message: 'The request is not valid.' },
  'invalid-json': { status: 400, message: 'The request body is not valid JSON.' },
  'invalid-cursor': { status: 400, message: 'The cursor is not valid for this list.' },
  'creator-not-on-team': {
    status: 400,
    message: 'Put yourself on the team, or you could not see the deal you create.',
  },
  unauthenticated: { status: 401, message: 'Sign in or send a valid API token.' },
  'invalid-credentials': { status: 401, message: 'E-mail or password is wrong.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  'csrf-failed': { status: 403, message: 'The CSRF token is missing or wrong.' },
  'not-found': { status: 404, message: 'Not found.' },
  'method-not-allowed': { status: 405, message: 'Method not allowed.' },
  'invalid-state': { status: 409, message: 'This action is not allowed in the deal’s current state.' },
  'stages-incomplete': {
    status: 409,
    message: 'Every assessment stage must be complete before the deal is won.',
  },
  'invitation-not-allowed': { status: 409, message: 'This deal cannot invite that party now.' },
  'already-participant': { status: 409, message: 'That organization already takes part in the deal.' },
  'possible-duplicate': {
    status: 409,
    message:
      'You have open deals that look like the same opportunity; link to one of them, or send confirmNotDuplicate: true to create anyway.',
  },
  'routing-rule-conflict': {
    status: 409,
    message: 'A routing rule for this country and solution already exists; change or delete it instead.',
  },
  'stage-name-conflict': {
    status: 409,
    message: 'Stage names must be unique and must not be standard stage names.',
  },
  'delivery-not-dead': {
    status: 409,
    message: 'Only a delivery that gave up (a dead letter) can be retried.',
  },
  'directory-loading': {
    status: 409,
    message:
      'An initial load of the customer directory is running (its D-U-N-S index is built at its end); import again when it has ended.',
  },
  'user-exists': { status: 409, message: 'A user with this e-mail address exists.' },
  'own-account': {
    status: 409,
    message: 'You cannot do this to your own account; ask another admin of your organization.',
  },
  'user-active': {
    status: 409,
    message: 'Disable the user before deleting them.',
  },
  'last-admin': {
    status: 409,
    message: 'Your organization must keep at least one active admin; make someone else an admin first.',
  },
  'location-in-use': {
    status: 409,
    message: 'Deals, role scopes, solutions or routing rules use this location; it cannot be deleted.',
  },
  'last-location': { status: 409, message: 'Your organization must keep at least one location.' },
  'location-name-taken': { status: 409, message: 'Your organization has a location with this name.' },
  'tenant-already-linked': { status: 409, message: 'This tenant is already linked to an organization.' },
  'current-tenant': {
    status: 409,
    message: 'You are signed in through this tenant; unlink it while signed in through another one.',
  },
  'last-tenant': { status: 409, message: 'Your organization must keep at least one linked tenant.' },
  'tenant-in-use': {
    status: 409,
    message: 'Users sign in through this tenant; move them to another tenant or disable them first.',
  },
  'webhook-url-refused': {
    status: 400,
    message:
      'The webhook URL must be HTTPS and must not resolve to a loopback, private or link-local address.',
  },
  'precondition-failed': {
    status: 412,
    message: 'The deal changed since you read it; reload and try again.',
  },
  'payload-too-large': { status: 413, message: 'The request body is too large (limit 1 MB).' },
  'unsupported-media-type': { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  'idempotency-key-reused': {
    status: 422,
    message: 'This Idempotency-Key was used with a different request.',
  },
  'precondition-required': { status: 428, message: 'Send If-Match with the ETag of the deal you read.' },
  'rate-limited': { status: 429, message: 'Too many requests.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Extra fields of an error body beyond code, message and path (the ErrorOut schema lists them). */
export interface ErrorDetails {
  candidates?: unknown[];
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, message?: string, path?: string, details?: ErrorDetails) {
    super(message ?? ERROR_CODES[code].message);
    this.code = code;
    this.path = path;
    this.details = details;
  }
}

export const notFound = () => new DomainError('not-found');
export const invalid = (path: string, message: string) => new DomainError('invalid-input', message, path);
