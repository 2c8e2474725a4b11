#!/usr/bin/env node
// complete-lockfile.mjs: add lockfile entries for other platforms' optional native packages.
//
// Why this exists:
//   Tools such as @biomejs/biome, rollup and esbuild ship their native binary as
//   one optional dependency per platform (@biomejs/cli-darwin-arm64,
//   @rollup/rollup-linux-x64-musl, ...). `npm install` normally writes a
//   package-lock.json entry for every one of them, including the ones it skips
//   on this machine. When the registry mirror in use does not serve some of
//   them, or serves stale metadata without the version we need, `npm install`
//   silently leaves those entries out. npm 11's `npm ci` then rejects the lockfile
//   with errors like "Missing: @biomejs/cli-android-arm64@ from lock file".
//
// What it does:
//   For every package in `packages` that has `optionalDependencies`, it finds each
//   optional dependency that the lockfile does not resolve (using Node's lookup
//   through parent node_modules folders). It then adds a stub entry
//   { version, dev?, optional: true, peer?, os, cpu?, libc? }. npm reads os, cpu and
//   libc, sees that the package is for another platform and skips it, so the
//   registry is never asked for it. On a machine of that platform, npm fetches it
//   by name and version like any other package. The stubs have no `resolved` or
//   `integrity` field, so npm fills these in on that machine.
//
//   os, cpu and libc come from the package name (for example
//   linux-x64-musl, win32-arm64-msvc, android-arm-eabi). Only when the name cannot
//   be parsed reliably does the script run `npm view <name>@<version> os cpu libc`,
//   with a short timeout. If that fails, it falls back to the best guess from the name.
//
//   It never adds a stub that would match the current platform. Those packages
//   must be real entries written by `npm install`, because a stub would make
//   `npm ci` install nothing and the tool would break. They are reported
//   instead, and the script exits with status 1.
//
//   The output uses npm's own layout (the key order of json-stringify-nice,
//   the indent and line endings of the file). Running the script again changes
//   nothing. If nothing is missing, the file is not rewritten.
//
// Usage:
//   npm run lockfile                     (after every `npm install <pkg>`)
//   node scripts/complete-lockfile.mjs [path/to/package-lock.json] [--check]
//     --check  change nothing; exit 1 if any stubs would be added (for CI)

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- platform names

// Values of process.platform / process.arch that npm compares os / cpu against.
const OSES = new Set([
  'aix',
  'android',
  'darwin',
  'freebsd',
  'haiku',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'cygwin',
]);
const CPUS = new Set([
  'arm',
  'arm64',
  'ia32',
  'loong64',
  'mips',
  'mipsel',
  'mips64el',
  'ppc',
  'ppc64',
  'riscv64',
  's390',
  's390x',
  'x64',
  'wasm32',
]);
// Name suffixes after <os>-<cpu> that only describe the ABI or toolchain.
const ABI_SUFFIXES = new Set([
  'gnu',
  'glibc',
  'musl',
  'msvc',
  'eabi',
  'gnueabi',
  'gnueabihf',
  'musleabi',
  'musleabihf',
  'androideabi',
]);

/**
 * Derive { os, cpu, libc } from a platform package name.
 * Returns { meta, reliable }. meta is null if nothing could be derived.
 */
function parseName(name, siblingNames) {
  const tokens = name.split('/').pop().split('-');
  const i = tokens.findIndex((t) => OSES.has(t));
  if (i === -1) {
    const w = tokens.indexOf('wasm32');
    return { meta: w === -1 ? null : { cpu: ['wasm32'] }, reliable: false };
  }
  const os = tokens[i];
  const meta = { os: [os] };
  const cpu = tokens[i + 1];
  let reliable = i > 0 || tokens.length > 1; // the os must not be the whole name
  if (cpu !== undefined && CPUS.has(cpu)) {
    meta.cpu = [cpu];
  } else {
    reliable = false;
  }
  const rest = tokens.slice(meta.cpu ? i + 2 : i + 1);
  if (rest.some((t) => !ABI_SUFFIXES.has(t))) reliable = false;
  // Also reject names where a second os token appears, like "linux-darwin".
  if (tokens.filter((t) => OSES.has(t)).length > 1) reliable = false;

  // npm checks libc only on Linux. On any other os, a libc field would make
  // npm skip the package even on its own platform.
  if (os === 'linux') {
    if (rest.some((t) => t.startsWith('musl'))) {
      meta.libc = ['musl'];
    } else if (rest.some((t) => t.startsWith('gnu') || t === 'glibc')) {
      meta.libc = ['glibc'];
    } else if (rest.length === 0 && siblingNames.has(`${name}-musl`)) {
      // Biome-style naming: cli-linux-x64 (glibc) next to cli-linux-x64-musl.
      meta.libc = ['glibc'];
    }
  }
  return { meta, reliable };
}

// The same test npm-install-checks applies, for the current machine.
const current = {
  os: process.platform,
  cpu: process.arch,
  libc: process.platform === 'linux' ? detectLibc() : undefined,
};

function detectLibc() {
  try {
    const ldd = readFileSync('/usr/bin/ldd', 'utf8');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library')) return 'glibc';
  } catch {}
  const report = process.report?.getReport?.();
  if (report?.header?.glibcVersionRuntime) return 'glibc';
  if (report?.sharedObjects?.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))) {
    return 'musl';
  }
  return undefined;
}

function listAllows(list, value) {
  if (!list) return true;
  if (list.length === 1 && list[0] === 'any') return true;
  let positives = 0;
  let match = false;
  for (const entry of list) {
    if (entry.startsWith('!')) {
      if (entry.slice(1) === value) return false;
    } else {
      positives++;
      if (entry === value) match = true;
    }
  }
  return match || positives === 0;
}

function matchesCurrentPlatform(meta) {
  const libcOk = meta.libc ? current.libc !== undefined && listAllows(meta.libc, current.libc) : true;
  return listAllows(meta.os, current.os) && listAllows(meta.cpu, current.cpu) && libcOk;
}

// ---------------------------------------------------------------- npm view (bounded)

const NPM_VIEW_TIMEOUT_MS = 8000;
let npmViewUsable = true; // stop trying after the first timeout

function npmView(spec, fields) {
  if (!npmViewUsable) return undefined;
  // Inside `npm run`, npm_execpath points at the npm that is running. Use it.
  const viaExecPath = process.env.npm_execpath?.endsWith('.js');
  const cmd = viaExecPath ? process.execPath : 'npm';
  const args = [...(viaExecPath ? [process.env.npm_execpath] : []), 'view', spec, ...fields, '--json'];
  try {
    const out = execFileSync(cmd, args, {
      encoding: 'utf8',
      timeout: NPM_VIEW_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      shell: !viaExecPath && process.platform === 'win32',
    });
    return out.trim() ? JSON.parse(out) : undefined;
  } catch (err) {
    if (err.code === 'ETIMEDOUT' || err.signal === 'SIGTERM') npmViewUsable = false;
    return undefined;
  }
}

const isStringArray = (v) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
const asList = (v) => (typeof v === 'string' ? [v] : v);

function platformFromRegistry(name, version) {
  let res = npmView(`${name}@${version}`, ['os', 'cpu', 'libc']);
  if (Array.isArray(res)) res = res.at(-1);
  if (!res || typeof res !== 'object') return undefined;
  const meta = {};
  for (const key of ['os', 'cpu', 'libc']) {
    const v = asList(res[key]);
    if (isStringArray(v)) meta[key] = v;
  }
  return meta.os || meta.cpu ? meta : undefined;
}

// "1.2.3" / "1.2.3-rc.1" / "=1.2.3" / "v1.2.3": the version npm must lock.
function exactVersion(spec) {
  const m = /^[=v]*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(spec.trim());
  return m ? m[1] : undefined;
}

function versionFor(name, spec) {
  const exact = exactVersion(spec);
  if (exact) return exact;
  // A range or tag: ask the registry which versions match and take the highest.
  // The stub must satisfy the spec, or `npm ci` would reject it.
  const res = npmView(`${name}@${spec}`, ['version']);
  const versions = Array.isArray(res) ? res : typeof res === 'string' ? [res] : [];
  return versions.filter((v) => exactVersion(v)).at(-1);
}

// ---------------------------------------------------------------- lockfile walk

// Locations Node (and npm) search for `dep` required from package `key`, in order.
function* lookupLocations(key, dep) {
  let base = key;
  for (;;) {
    yield base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (base === '') return;
    const idx = base.lastIndexOf('/node_modules/');
    base = idx !== -1 ? base.slice(0, idx) : '';
    // "node_modules/foo" and "packages/foo" (workspace) both go up to the root.
  }
}

function complete(lock) {
  const packages = lock.packages;
  const stubs = new Map(); // location -> { name, spec, parents: [entry] }
  const unresolved = []; // { name, spec, parent, reason }

  for (const key of Object.keys(packages).sort(compareWithPrefs)) {
    const entry = packages[key];
    const optional = entry?.optionalDependencies;
    if (!optional || entry.link) continue;
    const siblingNames = new Set(Object.keys(optional));

    for (const [name, spec] of Object.entries(optional)) {
      const wanted = exactVersion(spec);
      let found;
      for (const loc of lookupLocations(key, name)) {
        const hit = packages[loc] ?? stubs.get(loc)?.entry;
        if (hit) {
          found = { loc, hit };
          break;
        }
      }
      // Resolved, and the version fits the exact spec if there is one.
      if (found && (!wanted || found.hit.version === wanted)) {
        const pending = stubs.get(found.loc);
        if (pending) pending.parents.push(entry);
        continue;
      }
      // Missing everywhere: hoist the stub to the root, as npm would. Shadowed by
      // another version: Node finds the nearest one, so nest it under the parent.
      const rootLoc = `node_modules/${name}`;
      const loc = !found ? rootLoc : `${key ? `${key}/` : ''}node_modules/${name}`;
      if (packages[loc] || stubs.has(loc)) {
        unresolved.push({ name, spec, parent: key, reason: `${loc} already holds another version` });
        continue;
      }

      const version = versionFor(name, spec);
      if (!version) {
        unresolved.push({
          name,
          spec,
          parent: key,
          reason: 'spec is not an exact version and the registry gave no match',
        });
        continue;
      }

      let { meta, reliable } = parseName(name, siblingNames);
      if (!reliable) {
        const fromRegistry = platformFromRegistry(name, version);
        if (fromRegistry) meta = fromRegistry;
      }
      if (!meta) {
        unresolved.push({
          name,
          spec,
          parent: key,
          reason: 'no platform in its name, and the registry gave none',
        });
        continue;
      }
      if (matchesCurrentPlatform(meta)) {
        unresolved.push({
          name,
          spec,
          parent: key,
          reason: 'it is for this platform, so it needs a real entry',
        });
        continue;
      }
      stubs.set(loc, { name, entry: { version, ...meta }, parents: [entry] });
    }
  }

  for (const [loc, { entry, parents }] of stubs) {
    // All paths to the stub go through optional edges. It is dev or peer only
    // if every package that needs it is.
    if (parents.every((p) => p.dev)) entry.dev = true;
    entry.optional = true;
    if (parents.every((p) => p.peer)) entry.peer = true;
    packages[loc] = entry;
  }
  return { added: [...stubs.keys()], unresolved };
}

// ---------------------------------------------------------------- npm's JSON layout

// The same layout as json-stringify-nice, which npm uses for package-lock.json.
// In every object, the preferred keys come first, then the other keys
// sorted by localeCompare('en'). Scalars and arrays come before nested objects.
const SW_KEY_ORDER = [
  'name',
  'version',
  'lockfileVersion',
  'resolved',
  'integrity',
  'requires',
  'packages',
  'dependencies',
];
const isObj = (v) => !!v && typeof v === 'object' && !Array.isArray(v);

function compareWithPrefs(a, b) {
  const ia = SW_KEY_ORDER.indexOf(a);
  const ib = SW_KEY_ORDER.indexOf(b);
  if (ia !== -1 && ib === -1) return -1;
  if (ib !== -1 && ia === -1) return 1;
  if (ia !== -1 && ib !== -1) return ia - ib;
  return a.localeCompare(b, 'en');
}

function sortDeep(value) {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (!isObj(value)) return value;
  const entries = Object.entries(value).sort(([ak, av], [bk, bv]) =>
    isObj(av) === isObj(bv) ? compareWithPrefs(ak, bk) : isObj(av) ? 1 : -1,
  );
  return Object.fromEntries(entries.map(([k, v]) => [k, sortDeep(v)]));
}

function serialize(lock, indent, eol) {
  return `${JSON.stringify(sortDeep(lock), null, indent)}\n`.replace(/\n/g, eol);
}

// ---------------------------------------------------------------- main

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const pathArg = args.find((a) => !a.startsWith('--'));
  const path = pathArg ?? fileURLToPath(new URL('../package-lock.json', import.meta.url));

  const text = readFileSync(path, 'utf8');
  const lock = JSON.parse(text);
  if (!isObj(lock.packages)) {
    console.error(
      `${path}: no "packages" section (lockfileVersion ${lock.lockfileVersion}); run npm install with npm >= 7 first`,
    );
    process.exit(2);
  }
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? 2;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  const { added, unresolved } = complete(lock);

  for (const u of unresolved) {
    console.error(
      `not added: ${u.name}@${u.spec} (needed by ${u.parent || 'the root package'}): ${u.reason}`,
    );
  }
  if (added.length === 0) {
    console.log(`${path}: complete, nothing to add`);
  } else if (check) {
    console.error(`${path}: ${added.length} optional platform packages missing (run npm run lockfile):`);
    for (const loc of added) console.error(`  ${loc}`);
    process.exitCode = 1;
  } else {
    writeFileSync(path, serialize(lock, indent, eol));
    console.log(`${path}: added ${added.length} stub entries for other platforms' optional packages`);
  }
  if (unresolved.length) process.exitCode = 1;
}

main();
