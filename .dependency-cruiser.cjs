// Layer rules for cosell. Run: npx depcruise core server test bench web --config .dependency-cruiser.cjs
// Layers point one way: http -> services -> (access, db, core); core imports nothing of ours.

const IO_BUILTINS =
  '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|dns/promises|tls|cluster|worker_threads|readline|repl|inspector)$';

const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No circular dependencies (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import must resolve, otherwise the layer rules cannot see it.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment:
        'core/ is pure and shared by server and web: it must not import server/, web/, test/ or bench/.',
      from: { path: '^core/' },
      to: { path: '^(server|web|test|bench)/' },
    },
    {
      name: 'core-no-io-builtins',
      severity: 'error',
      comment: 'core/ does no I/O: no fs, net, http, child_process and the like.',
      from: { path: '^core/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'core-only-zod',
      severity: 'error',
      comment: 'core/ may use no npm package except zod (its unit tests may use the test tools).',
      from: { path: '^core/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/zod/' },
    },
    {
      name: 'http-not-to-db',
      severity: 'error',
      comment: 'Routes call services; they never touch the database layer (server/db/) directly.',
      from: { path: '^server/http/' },
      to: { path: '^server/db/' },
    },
    {
      name: 'services-not-to-http',
      severity: 'error',
      comment: 'Services know nothing of HTTP: they throw coded domain errors, never HTTP errors.',
      from: { path: '^server/services/' },
      to: { path: '^server/http/' },
    },
    {
      name: 'db-below-services',
      severity: 'error',
      comment:
        'server/db/ (repositories, migrations, database) holds no business rules: no services, http or access.',
      from: { path: '^server/db/' },
      to: { path: '^server/(services|http|access)/' },
    },
    {
      name: 'access-below-services',
      severity: 'error',
      comment: 'server/access/ decides visibility and permissions; it must not import services or http.',
      from: { path: '^server/access/' },
      to: { path: '^server/(services|http)/' },
    },
    {
      name: 'web-not-to-server',
      severity: 'error',
      comment:
        'The web app talks to the server only through the HTTP API (its generated client): it may use core/, never server/, test/ or bench/.',
      from: { path: '^web/' },
      to: { path: '^(server|test|bench)/' },
    },
    {
      name: 'server-not-to-web',
      severity: 'error',
      comment: 'The server serves the built web app as files; it never imports its sources.',
      from: { path: '^server/' },
      to: { path: '^web/' },
    },
    {
      name: 'server-not-to-test-or-bench',
      severity: 'error',
      comment: 'Production code never imports test or benchmark code.',
      from: { path: '^server/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^(data|dist|coverage|web/dist|bench/results)/' },
    moduleSystems: ['es6', 'cjs'],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
