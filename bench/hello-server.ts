/**
 * The yardstick of the HTTP benchmark: a minimal Fastify hello-world, started as its own process exactly as the
 * real server is (tsx, same Node), so each endpoint's throughput can be given as a share of it.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(
  () => process.stdout.write('listening\n'),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
