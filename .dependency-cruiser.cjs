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
  '^(@aws-sdk/|undici|sst|hono|@hono/|dynalite|aws-ses-v2-local|nodemailer|rss-parser|cheerio|htmlparser2|parse5)';
const LOCAL_ONLY = 'node_modules/(dynalite|aws-ses-v2-local)/';
/** What the pure layers (domain, config) may not import: outer layers, outer folders, I/O. */
const PURE = {
  path: [
    '^shared/(sources|store|mail|queue|services|http|system)/',
    '^(functions|infra|tests)/',
    IO_CORE,
    IO_PACKAGES,
  ],
};

/** A forbidden arrow: every rule is an error, with the reason a reader sees when it fires. */
function forbid(name, comment, from, to) {
  return { name, severity: 'error', comment, from, to };
}

module.exports = {
  forbidden: [
    forbid('no-circular', 'No import cycles, type-only ones included.', {}, { circular: true }),
    forbid(
      'no-loose-shared-modules',
      'Every module in shared/ belongs to a layer folder (domain, config, sources, ...).',
      { path: '^shared/[^/]+\\.tsx?$', pathNot: '\\.d\\.ts$' },
      {},
    ),
    forbid(
      'domain-is-pure',
      'shared/domain: rules only. Other domain modules, config, pure libraries; no I/O.',
      { path: '^shared/domain/' },
      PURE,
    ),
    forbid(
      'config-is-pure',
      'shared/config: the schema, its rules and the schedules; reads nothing and calls nothing.',
      { path: '^shared/config/' },
      PURE,
    ),
    forbid(
      'adapters-stay-below-services',
      'sources, store, mail, queue and system never call use cases or the HTTP layer.',
      { path: '^shared/(domain|config|sources|store|mail|queue|system)/' },
      { path: '^shared/(services|http)/' },
    ),
    forbid(
      'adapters-are-siblings',
      'sources, store, mail and queue do not import one another: services combine them.',
      { path: '^shared/(sources|store|mail|queue)/' },
      { path: '^shared/(sources|store|mail|queue)/', pathNot: '^shared/$1/' },
    ),
    forbid(
      'services-below-http',
      'Use cases do not know about HTTP.',
      { path: '^shared/services/' },
      { path: '^shared/http/' },
    ),
    forbid(
      'http-through-services',
      'shared/http calls use cases; it reaches store, sources and mail only for types.',
      { path: '^shared/http/' },
      { path: '^shared/(sources|store|mail|queue)/', dependencyTypesNot: ['type-only'] },
    ),
    forbid(
      'shared-is-framework-free',
      'shared/ never imports functions/, infra/, tests/ or sst.',
      { path: '^shared/' },
      {
        path: [
          '^(functions|infra|tests|bench|scripts)/',
          '^sst\\.config\\.ts$',
          '^sst$',
          'node_modules/sst/',
        ],
      },
    ),
    forbid(
      'infra-stays-in-infra',
      'The deployment is imported by sst.config.ts and its tests only.',
      { path: '^(shared|functions|bench|scripts)/' },
      { path: ['^infra/', '^sst\\.config\\.ts$'] },
    ),
    forbid(
      'infra-takes-definitions-only',
      'infra/ reads table keys, schedules and the config schema; never adapters or use cases.',
      { path: '^infra/' },
      { path: ['^shared/(sources|mail|queue|services|http|system)/', '^functions/'] },
    ),
    forbid(
      'production-never-imports-tests',
      'Code that ships never imports the tests or their fixtures.',
      { path: '^(shared|functions|infra)/' },
      { path: '^tests/' },
    ),
    forbid(
      'lambda-never-reaches-local',
      "A Lambda handler's import graph never reaches functions/local/, the CLI or the local emulators.",
      { path: '^functions/(api|poll|worker|digest|mail)\\.ts$' },
      { path: ['^functions/(local|cli)/', '^functions/cli\\.ts$', LOCAL_ONLY], reachable: true },
    ),
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
