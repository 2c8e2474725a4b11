/**
 * Child processes of the benchmarks: the real server (`cosell serve`) or the hello-world, each started on a free
 * port as its own process and awaited until it answers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The server as `npm start` runs it: compiled into dist/server (scripts/build-server.mjs), built first if a source
 * changed since.
 */
export function compiledServer(): string {
  const result = spawnSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`scripts/build-server.mjs failed (exit ${result.status})`);
  return 'dist/server/cosell.js';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Started {
  child: ChildProcess;
  base: string;
  /** Milliseconds from spawn to the first answered request of `probe`. */
  coldStartMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `node <script> [...args]` (through tsx for a TypeScript file) with PORT set and waits until `probe`
 * answers 200.
 */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
  probe: { path: string; headers?: Record<string, string> },
): Promise<Started> {
  const port = await freePort();
  const began = performance.now();
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, script, ...args], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}): ${stderr}`);
    try {
      const response = await fetch(`${base}${probe.path}`, { headers: probe.headers });
      if (response.status === 200) break;
      throw new Error(`${probe.path}: ${response.status} ${await response.text()}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const coldStartMs = Math.round(performance.now() - began);
  return {
    child,
    base,
    coldStartMs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
