import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cosell</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#242424}
code{background:#f3f2f1;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>cosell</h1>
<p>The co-sell workspace for a vendor’s partner ecosystem. The API is running.</p>
<ul><li><a href="/api/docs">API documentation</a> (interactive)</li>
<li><a href="/api/openapi.json">OpenAPI document</a></li></ul>
<p>Demo personas sign in with <code>POST /api/v1/auth/login</code> and the password <code>cosell-demo</code>,
e.g. <code>radmin@contoso.example</code>, <code>vadmin@northwind.example</code>. An API token for a persona:
<code>npm run cosell -- token --email radmin@contoso.example</code>.</p>
</body></html>`;

export async function landingRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
}
