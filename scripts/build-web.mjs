#!/usr/bin/env node
/**
 * Builds the web workspace into web/dist. With --if-stale (what `npm start` uses) it builds only when
 * web/dist is missing or older than a source file of the app (web/, core/, vite.config.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'web', 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'dist' || entry === 'node_modules' || entry.startsWith('.')) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

export function webBuildIsStale() {
  if (!existsSync(output)) return true;
  const sources = Math.max(
    newest(join(root, 'web')),
    newest(join(root, 'core')),
    newest(join(root, 'vite.config.ts')),
  );
  return sources > statSync(output).mtimeMs;
}

export function buildWeb() {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  // A production build whatever the caller's NODE_ENV: vitest sets it to "test", with which Vite would
  // bundle React's development build.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--if-stale') || webBuildIsStale()) {
    process.stdout.write('building the web workspace (web/dist)…\n');
    buildWeb();
  }
}
