/**
 * build(): the Fastify app with its plugins and routes (listen() lives in main.ts).
 */
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { trustProxyOf } from './config.ts';
import { DomainError, ERROR_CODES, type ErrorCode, type ErrorDetails } from './errors.ts';
import { adminRoutes } from './http/admin.ts';
import { registerAuth } from './http/auth.ts';
import { authRoutes } from './http/auth-routes.ts';
import { dealRoutes } from './http/deals.ts';
import { demoRoutes } from './http/demo.ts';
import { demoPersonaRoutes } from './http/demo-personas.ts';
import { directoryRoutes } from './http/directory.ts';
import { lifecycleRoutes } from './http/lifecycle.ts';
import { noticeRoutes } from './http/notices.ts';
import { organizationRoutes } from './http/organization.ts';
import { createLimiter, type RateLimits } from './http/rate-limits.ts';
import { registerSecurityHeaders, setSecurityHeaders } from './http/security-headers.ts';
import { webApp } from './http/web-app.ts';
import type { ServiceContext } from './services/context.ts';
import { LoginThrottle, type LoginThrottleSettings } from './services/login-throttle.ts';

export interface BuildOptions {
  logLevel?: string;
  /** The built web workspace to serve at `/` (default web/dist). */
  webDist?: string;
  /** Where log lines go (default standard output). */
  logStream?: { write(line: string): void };
  /**
   * Request rate limits (server/http/rate-limits.ts). Omitted: none, for tests and benchmarks; `cosell serve`
   * always passes the configured ones (server/config.ts), which are on by default.
   */
  rateLimits?: RateLimits;
  /** Failed sign-in throttling (server/services/login-throttle.ts); omitted: none, as above. */
  loginThrottle?: LoginThrottleSettings;
  /** Origins allowed to call the API from a browser (CORS_ORIGINS); omitted or empty: no CORS. */
  corsOrigins?: readonly string[];
}

export type App = FastifyInstance;

export async function build(ctx: ServiceContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.logLevel && options.logLevel !== 'silent'
        ? { level: options.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) }
        : false,
    // Request logging at info level halves throughput; responses are logged at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Only the proxies TRUST_PROXY names (server/config.ts), never "everything": the client writes the left
    // end of X-Forwarded-For, and the address counts for the rate limits and the sign-in throttle.
    trustProxy: trustProxyOf(process.env.TRUST_PROXY),
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { strict: false } },
    // A malformed URL (e.g. `%ZZ`) gets the same error shape as everything else.
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(request, reply as FastifyReply);
      const { status, body } = toErrorResponse(error, request.id);
      (reply as FastifyReply).status(status).send(body);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only (SPEC §14): bytes that are not UTF-8 are refused rather than silently replaced, and
  // text/plain (which a cross-site form can send) is 415 instead of a string body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new DomainError('invalid-json', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  // Text that the databases cannot store faithfully (NUL, lone UTF-16 surrogates) is refused at the edge:
  // PostgreSQL rejects NUL (a 500), and a lone surrogate would be silently turned into U+FFFD.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['querystring', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const) {
      const bad = findUnstorableText(value);
      if (bad) {
        const path = (part === 'params' ? [part, ...bad] : bad).join('.');
        throw new DomainError(
          'invalid-input',
          'Text must be valid Unicode without NUL characters.',
          path || undefined,
        );
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toErrorResponse(error, request.id);
    if (status >= 500) request.log.error({ err: error }, 'unhandled error');
    reply.status(status).send(body);
  });
  const web = webApp(options.webDist);
  app.setNotFoundHandler((request, reply) => {
    if (web.fallback(request, reply)) return;
    reply.status(404).send({
      error: { code: 'not-found', message: ERROR_CODES['not-found'].message, requestId: request.id },
    });
  });

  // First, so that every response carries the headers, errors and refusals included.
  await registerSecurityHeaders(app, { corsOrigins: options.corsOrigins ?? [] });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'cosell API',
        version: '1.0.0',
        description:
          'The co-sell platform’s REST API. Authenticate with `Authorization: Bearer <token>` or the session cookie ' +
          '(state-changing requests with a cookie need the `X-CSRF-Token` header from the login response). ' +
          'Every deal mutation needs `If-Match` with the deal’s ETag. Errors are `{error: {code, message, path?}}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'cosell_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // No validator badge: it would send the document's address to validator.swagger.io.
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { validatorUrl: null } });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const limit = options.rateLimits ? await createLimiter(app, options.rateLimits) : undefined;
  const loginThrottle = options.loginThrottle ? new LoginThrottle(ctx.clock, options.loginThrottle) : null;
  registerAuth(app, ctx, limit);
  await app.register(web.routes);
  await app.register(
    async (api) => {
      await api.register(lifecycleRoutes);
      await api.register(authRoutes(ctx, loginThrottle));
      await api.register(directoryRoutes(ctx));
      await api.register(dealRoutes(ctx));
      await api.register(adminRoutes(ctx));
      await api.register(noticeRoutes(ctx));
      await api.register(organizationRoutes(ctx));
      if (ctx.clock.movable) await api.register(demoRoutes(ctx));
      await api.register(demoPersonaRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );
  return app;
}

// With the u flag a surrogate matches only when it is not half of a pair.
const unstorable = (text: string) => text.includes('\0') || /[\uD800-\uDFFF]/u.test(text);

/** The path of the first string or key holding NUL or a lone surrogate; iterative, so deep nesting is safe. */
function findUnstorableText(root: unknown): string[] | null {
  type Node = { value: unknown; key: string | null; parent: Node | null };
  const pathOf = (node: Node | null, last?: string) => {
    const path: string[] = last === undefined ? [] : [last];
    for (let at = node; at && at.key !== null; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const { value } = node;
    if (typeof value === 'string') {
      if (unstorable(value)) return pathOf(node);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (unstorable(key)) return pathOf(node, key);
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}

interface Issue {
  code?: string;
  message: string;
  path: PropertyKey[];
  keys?: unknown[];
  errors?: Issue[][];
}

/**
 * Names the field an issue is about: an unknown field by its key, and for a union that no branch
 * matched (e.g. a hand-entered customer without a city) the issue of the one branch whose fields fit.
 */
function pinpoint(issue: Issue): Issue {
  if (issue.code === 'unrecognized_keys' && issue.keys?.[0] !== undefined) {
    return { ...issue, path: [...issue.path, String(issue.keys[0])] };
  }
  if (issue.code === 'invalid_union' && Array.isArray(issue.errors)) {
    const fitting = issue.errors.filter(
      (branch) => !branch.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0),
    );
    const inner = fitting.length === 1 ? fitting[0]?.[0] : undefined;
    if (inner) {
      const found = pinpoint(inner);
      return { ...found, path: [...issue.path, ...found.path] };
    }
  }
  return issue;
}

/** Maps any error to the closed set of codes; unknown errors become a 500 with a request id and no detail. */
export function toErrorResponse(error: unknown, requestId: string) {
  const send = (
    code: ErrorCode,
    message?: string,
    path?: string,
    status?: number,
    details?: ErrorDetails,
  ) => ({
    status: status ?? ERROR_CODES[code].status,
    body: {
      error: {
        ...details,
        code,
        message: message ?? ERROR_CODES[code].message,
        ...(path ? { path } : {}),
        requestId,
      },
    },
  });
  if (error instanceof DomainError)
    return send(error.code, error.message, error.path, undefined, error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    // fastify-type-provider-zod puts the issue's path in instancePath ("/team/0/email") and the rest of the
    // issue in params.
    const issue = pinpoint({
      ...(first?.params as object),
      code: first?.keyword,
      message: first?.message ?? 'Invalid input.',
      path: (first?.instancePath ?? '').split('/').filter((s) => s !== ''),
    });
    // Body and query fields are named by themselves ("value.amount", "limit"); path parameters and headers
    // by their part ("params.id", "headers.if-match").
    const where =
      error.validationContext === 'body' || error.validationContext === 'querystring'
        ? []
        : [error.validationContext];
    const path = [...where, ...issue.path].map(String).join('.');
    return send('invalid-input', issue.message, path || undefined);
  }
  if (isResponseSerializationError(error)) return send('internal');
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send('payload-too-large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send('unsupported-media-type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send('invalid-json');
  }
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return send('invalid-json');
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    if (status === 405) return send('method-not-allowed');
    if (status === 413) return send('payload-too-large');
    if (status === 415) return send('unsupported-media-type');
    return send('invalid-input');
  }
  return send('internal');
}
