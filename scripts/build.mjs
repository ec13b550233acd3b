// `npm run build` (and `prepare`, so `npm ci` runs it): bundles the command line into dist/ with
// esbuild, so `policy-watch` starts without compiling TypeScript. Three builds: the command line
// (dist/cli.js, its chunks in dist/chunks/), the long-running commands (dist/chunks-server/),
// which share no chunk with the one-shot commands, and the store's worker (dist/store-worker.js,
// one file with dynalite inside).
// The embedded runtime is a chunk loaded only when used.
// dist/build.json lists the sources read, so bin/policy-watch.js can tell a stale build.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// Built beside dist/ and swapped in, so a command starting meanwhile sees the old or the new build.
const outdir = join(root, `dist.building-${process.pid}`);
const started = Date.now();

/**
 * Applies each `[from, to]` of `replacements` to the sources `filter` matches; fails the build if a
 * `from` moved (its `what` says which).
 */
function rewriteAll(pluginBuild, filter, replacements, loader = 'ts') {
  pluginBuild.onLoad({ filter }, async (args) => {
    const { readFile } = await import('node:fs/promises');
    let source = await readFile(args.path, 'utf8');
    for (const [from, to, what] of replacements) {
      const rewritten = source.replace(from, to);
      if (rewritten === source) throw new Error(`build: ${what} moved`);
      source = rewritten;
    }
    return { contents: source, loader };
  });
}

/** Replaces `from` with `to` in the sources `filter` matches; fails the build if `from` moved. */
function rewrite(pluginBuild, filter, from, to, what, loader = 'ts') {
  rewriteAll(pluginBuild, filter, [[from, to, what]], loader);
}

const localRuntime = {
  name: 'local-runtime',
  setup(pluginBuild) {
    // cli/command-deps.ts hides the embedded runtime's specifier in a variable so the Lambda
    // bundles leave dynalite out; in the command line's own bundle it becomes a real (lazily
    // loaded) chunk.
    rewrite(
      pluginBuild,
      /functions[\\/]cli[\\/]command-deps\.ts$/,
      'await import(LOCAL_RUNTIME)',
      "await import('../local/local-deps.ts')",
      'the LOCAL_RUNTIME import in functions/cli/command-deps.ts',
    );
    // The store's worker is an entry of its own (dist/store-worker.js); the code that starts it
    // lands in dist/chunks/, one folder below.
    rewrite(
      pluginBuild,
      /functions[\\/]local[\\/]embedded-store\.ts$/,
      "new URL('./store-worker-tsx.mjs', import.meta.url)",
      "new URL('../store-worker.js', import.meta.url)",
      'the store worker URL in functions/local/embedded-store.ts',
    );
  },
};

// cheerio's main entry also brings loadBuffer/fromURL and their charset sniffing (iconv-lite,
// over 500 KB): this code only calls `load`, so the bundle takes the same `load` from the module
// that defines it, leaving the rest out of every command's start-up.
const cheerioMain = createRequire(import.meta.url).resolve('cheerio');
const cheerioDir = cheerioMain.slice(0, cheerioMain.lastIndexOf(`${sep}dist${sep}`));
const cheerioLoadOnly = {
  name: 'cheerio-load-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^cheerio$/ }, () => ({
      path: 'cheerio',
      namespace: 'cheerio-load-only',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'cheerio-load-only' }, () => ({
      contents: [
        `export * from ${JSON.stringify(join(cheerioDir, 'dist/esm/load-parse.js'))};`,
        `export { contains, merge } from ${JSON.stringify(join(cheerioDir, 'dist/esm/static.js'))};`,
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// dynalite requires its actions and validations by name (`require('./actions/' + action)`); with
// the extension spelled out, esbuild bundles every file of those folders under its name. Its
// `https` (for `ssl`, which the store never uses) is required when first used: loading node:https
// and node:tls took ~7 ms of the worker's start.
const dynaliteActions = {
  name: 'dynalite-actions',
  setup(pluginBuild) {
    rewriteAll(
      pluginBuild,
      /node_modules[\\/]dynalite[\\/]index\.js$/,
      [
        [
          /require\('\.\/(actions|validations)\/' \+ action\)/g,
          "require('./$1/' + action + '.js')",
          "dynalite's requires of its actions and validations",
        ],
        [
          "https = require('https'),",
          "https = { createServer: (...args) => require('https').createServer(...args) },",
          "dynalite's require of https",
        ],
      ],
      'js',
    );
  },
};

// LevelDB's JavaScript (classic-level, abstract-level and theirs) is bundled into the store's
// worker, all but the native binding, which node-gyp-build finds beside classic-level's own
// package.json in node_modules (package.json declares classic-level, the version dynalite's
// `level` installs, which keeps it at the top of node_modules). Required from node_modules, as
// ~40 CommonJS files, it took ~16 ms of the worker's start.
const classicLevelBinding = {
  name: 'classic-level-binding',
  setup(pluginBuild) {
    rewrite(
      pluginBuild,
      /node_modules[\\/]classic-level[\\/]binding\.js$/,
      "require('node-gyp-build')(__dirname)",
      "require('node-gyp-build')(require('node:path').dirname(require.resolve('classic-level/package.json')))",
      "classic-level's binding.js",
      'js',
    );
  },
};

// The long-running commands (start, serve, demo) are a build of their own, which the command
// line's build imports as an external module: they share no chunk, so the one-shot commands'
// zod is tree-shaken (the server's @hono/zod-openapi uses zod's whole namespace, which kept all of
// it, locales included, in a chunk both loaded: 734 KB against ~190 KB).
const SERVER_ENTRY = './chunks-server/server.js';
const serverApart = {
  name: 'server-apart',
  setup(pluginBuild) {
    rewrite(
      pluginBuild,
      /functions[\\/]cli\.ts$/,
      "await import('./cli/server.ts')",
      `await import('${SERVER_ENTRY}')`,
      'the server import in functions/cli.ts',
    );
    pluginBuild.onResolve({ filter: /^\.\/chunks-server\/server\.js$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

await rm(outdir, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // A package's ES module build where it has one (the AWS SDK's dist-es): esbuild can leave out
  // what is never imported, where the CommonJS build (esbuild's default for Node) is kept whole.
  // 670 KB less to load; the one-shot commands start with ~45 ms less CPU (8 alternated runs).
  mainFields: ['module', 'main'],
  target: 'node20',
  // Libraries are bundled too (one file to load instead of hundreds), except those that find
  // files of their own at run time (native LevelDB, the mail emulator's web assets) and tools.
  external: ['dynalite', 'aws-ses-v2-local', 'tsx', 'esbuild', 'playwright-core', 'sst'],
  banner: {
    js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
};
const [commands, server, worker] = await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'functions/cli.ts' },
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [localRuntime, cheerioLoadOnly, serverApart],
  }),
  // The store's worker, one file with dynalite and its JavaScript dependencies inside: loading
  // dynalite as 89 CommonJS files from node_modules took ~50 ms of the worker's start, which
  // `poll` waited for. Only LevelDB's native binding is loaded from node_modules
  // (classicLevelBinding above). knip.json lets classic-level be a dependency only this build uses.
  build({
    ...common,
    splitting: false,
    entryPoints: { 'store-worker': 'functions/local/store-worker.ts' },
    external: common.external.filter((name) => name !== 'dynalite'),
    plugins: [dynaliteActions, classicLevelBinding],
  }),
  // Its files at the same depth as chunks/, so paths relative to a module (demo.ts's root, the
  // store worker's URL) resolve alike in both.
  build({
    ...common,
    entryPoints: { server: 'functions/cli/server.ts' },
    entryNames: 'chunks-server/[name]',
    chunkNames: 'chunks-server/[name]-[hash]',
    plugins: [localRuntime, cheerioLoadOnly],
  }),
]);
const inputs = [
  ...new Set([commands, server, worker].flatMap((result) => Object.keys(result.metafile.inputs))),
].filter((file) => !file.startsWith('node_modules/') && !file.startsWith('cheerio-load-only:'));
await mkdir(outdir, { recursive: true });
await writeFile(join(outdir, 'build.json'), `${JSON.stringify({ builtAt: started, inputs }, null, 1)}\n`);
const old = join(root, `dist.old-${process.pid}`);
await rename(dist, old).catch(() => {});
await rename(outdir, dist);
await rm(old, { recursive: true, force: true });
process.stdout.write(`built dist/ from ${inputs.length} sources in ${Date.now() - started} ms\n`);
