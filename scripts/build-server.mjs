#!/usr/bin/env node
/**
 * Compiles the server into dist/server (what `npm start` runs): one ES module for the command line and one for
 * the directory import's CSV reader thread, with the packages left in node_modules. With --if-stale (what
 * `npm start` uses) it builds only when dist/server is missing or older than a source file (server/, core/).
 *
 * Why not run the TypeScript directly (tsx, as `npm run cosell` and the tests do): the TypeScript loader runs in
 * a thread of its own and compiles every module at each start. Compiled, the server answered its first request
 * in 2.9 s instead of 8.0 s and used 131 MB instead of 183 MB of memory at rest (tier S of `npm run bench`, on a
 * loaded machine; docs/PERFORMANCE.md).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_ENTRY = join(root, 'dist', 'server', 'cosell.js');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

export function serverBuildIsStale() {
  if (!existsSync(SERVER_ENTRY)) return true;
  const sources = Math.max(
    newest(join(root, 'server')),
    newest(join(root, 'core')),
    newest(join(root, 'package.json')),
  );
  return sources > statSync(SERVER_ENTRY).mtimeMs;
}

export async function buildServer() {
  await build({
    absWorkingDir: root,
    entryPoints: {
      cosell: 'server/cli/cosell.ts',
      // Found next to the bundle by server/services/company-csv-reader.ts.
      'company-csv-reader.worker': 'server/services/company-csv-reader.worker.ts',
    },
    outdir: 'dist/server',
    // No shared chunks: each file finds its neighbours (the reader thread, ../../web/dist) from its own URL.
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--if-stale') || serverBuildIsStale()) {
    process.stdout.write('compiling the server (dist/server)…\n');
    await buildServer();
  }
}
