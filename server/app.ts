/**
 * build(): the Fastify app with its plugins and routes (listen() lives in main.ts).
 */
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { ERROR_CODES, DomainError, type ErrorCode } from './errors.ts';
import { registerAuth } from './http/auth.ts';
import { authRoutes } from './http/auth-routes.ts';
import { dealRoutes } from './http/deals.ts';
import { demoRoutes } from './http/demo.ts';
import { directoryRoutes } from './http/directory.ts';
import { landingRoutes } from './http/landing.ts';
import { lifecycleRoutes } from './http/lifecycle.ts';
import type { ServiceContext } from './services/context.ts';

export interface BuildOptions {
  logLevel?: string;
}

export type App = FastifyInstance;

export async function build(ctx: ServiceContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel && options.logLevel !== 'silent' ? { level: options.logLevel } : false,
    // Request logging at info level halves throughput; responses are logged at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: process.env.TRUST_PROXY === '1',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { strict: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toErrorResponse(error, request.id);
    if (status >= 500) request.log.error({ err: error }, 'unhandled error');
    reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not-found', message: ERROR_CODES['not-found'].message, requestId: request.id } });
  });

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
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuth(app, ctx);
  await app.register(landingRoutes);
  await app.register(async (api) => {
    await api.register(lifecycleRoutes);
    await api.register(authRoutes(ctx));
    await api.register(directoryRoutes(ctx));
    await api.register(dealRoutes(ctx));
    if (ctx.clock.movable) await api.register(demoRoutes(ctx));
  }, { prefix: '/api/v1' });
  return app;
}

/** Maps any error to the closed set of codes; unknown errors become a 500 with a request id and no detail. */
export function toErrorResponse(error: unknown, requestId: string) {
  const send = (code: ErrorCode, message?: string, path?: string, status?: number) => ({
    status: status ?? ERROR_CODES[code].status,
    body: {
      error: {
        code,
        message: message ?? ERROR_CODES[code].message,
        ...(path ? { path } : {}),
        requestId,
      },
    },
  });
  if (error instanceof DomainError) return send(error.code, error.message, error.path);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const issue = (first?.params as { issue?: { path?: PropertyKey[]; message?: string } } | undefined)?.issue;
    const where = error.validationContext === 'body' ? [] : [error.validationContext];
    const path = [...where, ...(issue?.path ?? [])].map(String).join('.');
    return send('invalid-input', issue?.message ?? first?.message ?? 'Invalid input.', path || undefined);
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
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return send('invalid-json');
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    if (status === 405) return send('method-not-allowed');
    if (status === 413) return send('payload-too-large');
    if (status === 415) return send('unsupported-media-type');
    return send('invalid-input');
  }
  return send('internal');
}
