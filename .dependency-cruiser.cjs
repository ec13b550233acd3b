/**
 * The import boundaries of policy-watch (docs/architecture.md, Layering rules), checked by
 * `npm run depcruise` inside `npm test`. Dependencies point one way:
 *
 *   functions/ ─► shared/http ─► shared/services ─► shared/{domain, config, sources, store, mail, system}
 *
 * Type-only imports count: a type cycle is still a cycle a reader has to untangle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const IO_CORE =
  '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|dns/promises|tls|child_process|cluster|worker_threads|stream|zlib|readline)$';
const IO_PACKAGES =
  '^(@aws-sdk/|undici|sst|hono|@hono/|dynalite|aws-ses-v2-local|nodemailer|rss-parser|cheerio)';
const LOCAL_ONLY = 'node_modules/(dynalite|aws-ses-v2-local)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-loose-shared-modules',
      severity: 'error',
      comment: 'Every module in shared/ belongs to a layer folder (domain, config, sources, ...).',
      from: { path: '^shared/[^/]+\\.tsx?$', pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain: rules only. Other domain modules, config, pure libraries; no I/O.',
      from: { path: '^shared/domain/' },
      to: {
        path: [
          '^shared/(sources|store|mail|queue|services|http|system)/',
          '^(functions|infra|tests)/',
          IO_CORE,
          IO_PACKAGES,
        ],
      },
    },
    {
      name: 'config-is-pure',
      severity: 'error',
      comment: 'shared/config: the schema, its rules and the schedules; reads nothing and calls nothing.',
      from: { path: '^shared/config/' },
      to: {
        path: [
          '^shared/(sources|store|mail|queue|services|http|system)/',
          '^(functions|infra|tests)/',
          IO_CORE,
          IO_PACKAGES,
        ],
      },
    },
    {
      name: 'adapters-stay-below-services',
      severity: 'error',
      comment: 'sources, store, mail, queue and system never call use cases or the HTTP layer.',
      from: { path: '^shared/(domain|config|sources|store|mail|queue|system)/' },
      to: { path: '^shared/(services|http)/' },
    },
    {
      name: 'adapters-are-siblings',
      severity: 'error',
      comment: 'sources, store, mail and queue do not import one another: services combine them.',
      from: { path: '^shared/(sources|store|mail|queue)/' },
      to: { path: '^shared/(sources|store|mail|queue)/', pathNot: '^shared/$1/' },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment: 'Use cases do not know about HTTP.',
      from: { path: '^shared/services/' },
      to: { path: '^shared/http/' },
    },
    {
      name: 'http-through-services',
      severity: 'error',
      comment: 'shared/http calls use cases; it reaches store, sources and mail only for types.',
      from: { path: '^shared/http/' },
      to: { path: '^shared/(sources|store|mail|queue)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-is-framework-free',
      severity: 'error',
      comment: 'shared/ never imports functions/, infra/, tests/ or sst.',
      from: { path: '^shared/' },
      to: {
        path: [
          '^(functions|infra|tests|bench|scripts)/',
          '^sst\\.config\\.ts$',
          '^sst$',
          'node_modules/sst/',
        ],
      },
    },
    {
      name: 'infra-stays-in-infra',
      severity: 'error',
      comment: 'The deployment is imported by sst.config.ts and its tests only.',
      from: { path: '^(shared|functions|bench|scripts)/' },
      to: { path: ['^infra/', '^sst\\.config\\.ts$'] },
    },
    {
      name: 'infra-takes-definitions-only',
      severity: 'error',
      comment: 'infra/ reads table keys, schedules and the config schema; never adapters or use cases.',
      from: { path: '^infra/' },
      to: { path: ['^shared/(sources|mail|queue|services|http|system)/', '^functions/'] },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: '^(shared|functions|infra)/' },
      to: { path: '^tests/' },
    },
    {
      name: 'lambda-never-reaches-local',
      severity: 'error',
      comment:
        "A Lambda handler's import graph never reaches functions/local/, the CLI or the local emulators.",
      from: { path: '^functions/(api|poll|worker|digest|mail)\\.ts$' },
      to: { path: ['^functions/(local|cli)/', '^functions/cli\\.ts$', LOCAL_ONLY], reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^\\.sst/', '^tests/fixtures/', 'demo-fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
