/**
 * Poll rounds, whole process: `policy-watch poll` (a child process on its embedded store, the
 * compiled build when present) against rss2email for feeds and urlwatch for pages, every tool on
 * the same fixtures in the same run. Rounds: 200 GOV.UK-shaped Atom feeds of 50 entries all new,
 * unchanged (304), 10% changed, then the same with one more source sending 50 MiB; 200 pages of
 * ~4 KB first run and unchanged; and the unchanged feed round inside a running process.
 *
 * Each round runs `--reps` times (5; 1 with --quick), policy-watch and its peer alternating which
 * goes first, and reports the median wall time and the highest peak RSS: one run of each on a
 * shared 2-core machine swung a ratio by ±15%. A round that starts from nothing (all new, pages
 * first run) starts both tools from nothing again each time; the 10% round changes the same feeds
 * again before each repetition, so both tools see new entries every time.
 *
 * Every round but the first and the 50 MiB one also runs the stack's floor (support/floor-poll.ts:
 * the embedded store, the AWS SDK, undici, rss-parser and parse5 doing only what any
 * implementation must), in the same alternation: how much of a round is the stack's own, and how
 * much is policy-watch's. It matches no topics and makes no alerts, so where feeds change it is a
 * lower bound.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPollCycle } from '../shared/services/poll.ts';
import type { BenchOptions, BenchRow } from './run.ts';
import { atomFeed, BENCH_TOPICS, feedSource, htmlPage } from './support/corpus.ts';
import { buildFloor } from './support/floor.ts';
import { startBenchHosts } from './support/hosts.ts';
import { measureProcess, type ProcessFigures } from './support/measure.ts';
import { type Peer, rss2email, urlwatch } from './support/peers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HUGE_BYTES = 50 * 1024 * 1024;

interface Round {
  name: string;
  ours: RoundFigures;
  peer: RoundFigures | null;
  peerName: string;
  /** Goal for ours/peer time. */
  goal: number;
  /** The stack's floor of the same work (support/floor-poll.ts), when the round has one. */
  floor: RoundFigures | null;
}

/** A tool's repetitions of a round: median wall time, highest peak RSS, every wall time. */
interface RoundFigures {
  ms: number;
  peakMiB: number;
  samples: number[];
}

function summarise(runs: readonly ProcessFigures[]): RoundFigures {
  const samples = runs.map((run) => run.ms);
  return { ms: median(samples), peakMiB: Math.max(...runs.map((run) => run.peakMiB)), samples };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** The floor program of a round's sources, and the data folder its store keeps. */
interface Floor {
  data: string;
  run(): Promise<ProcessFigures>;
}

/** What a round does before each repetition: nothing, or starting both tools from nothing. */
interface RoundSetup {
  /** Both tools start from no state (their stores emptied) before each repetition. */
  fresh?: { ours: string };
  /** The stack's floor of this round, run alongside (and started from nothing with `fresh`). */
  floor?: Floor | null;
  /** Changes the fixtures before repetition `rep` (0-based). */
  before?: (rep: number) => void;
}

export async function benchRounds(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 20 : 200;
  const hugeBytes = HUGE_BYTES;
  const hosts = await startBenchHosts(options.quick ? 4 : 8);
  const dir = await mkdtemp(join(tmpdir(), 'pw-bench-rounds-'));
  const rounds: Round[] = [];
  const rows: BenchRow[] = [];
  try {
    const feeds = Array.from({ length: count }, (_, i) => ({
      id: `feed-${i}`,
      url: hosts.url(i, `/feed-${i}`),
    }));
    const pages = Array.from({ length: count }, (_, i) => ({
      id: `page-${i}`,
      url: hosts.url(i, `/page-${i}`),
    }));
    const huge = { id: 'huge', url: hosts.url(count, '/huge') };
    for (let i = 0; i < count; i++) {
      hosts.set(`/feed-${i}`, { body: atomFeed(i), contentType: 'application/atom+xml' });
      hosts.set(`/page-${i}`, { body: htmlPage(i), contentType: 'text/html; charset=utf-8' });
    }
    hosts.setHuge('/huge', hugeBytes);

    const feedDir = join(dir, 'feeds');
    const pageDir = join(dir, 'pages');
    await mkdir(feedDir, { recursive: true });
    await mkdir(pageDir, { recursive: true });
    const feedConfig = await writeConfig(feedDir, 'watch.json', feeds.map(feedSource));
    const hugeConfig = await writeConfig(feedDir, 'watch-huge.json', [...feeds, huge].map(feedSource));
    const pageConfig = await writeConfig(
      pageDir,
      'watch.json',
      pages.map((page) => ({ ...page, kind: 'page', select: 'main', allowPrivateNetwork: true })),
    );
    const r2e = options.peers ? await rss2email(feedDir, feeds) : null;
    const r2eHuge = options.peers ? await rss2email(feedDir, [...feeds, huge]) : null;
    const uw = options.peers ? await urlwatch(pageDir, pages) : null;
    const ours = (config: string, data: string) => () => pollProcess(config, data);
    const floorScript = await buildFloor(ROOT, dir);
    const floorOf = async (kind: 'feed' | 'page', sources: { id: string; url: string }[]) => {
      if (!floorScript) return null;
      const data = join(dir, `floor-${kind}`);
      const list = join(dir, `floor-${kind}.json`);
      await writeFile(list, JSON.stringify({ kind, select: 'main', sources }));
      return {
        data,
        run: () =>
          measureProcess(process.execPath, [floorScript, data, list], {
            env: { ...process.env, NODE_OPTIONS: '' },
          }),
      };
    };
    const feedFloor = await floorOf('feed', feeds);
    const pageFloor = await floorOf('page', pages);

    const reps = options.reps;
    const round = async (
      name: string,
      run: () => Promise<ProcessFigures>,
      peer: Peer | null,
      peerName: string,
      goal: number,
      setup: RoundSetup = {},
    ) => {
      process.stderr.write(`  round: ${name}${reps > 1 ? ` (${reps} times)` : ''}\n`);
      const oursRuns: ProcessFigures[] = [];
      const peerRuns: ProcessFigures[] = [];
      const floorRuns: ProcessFigures[] = [];
      const floor = setup.floor ?? null;
      const runOurs = async () => {
        const figures = await run();
        if (figures.code !== 0)
          throw new Error(
            `policy-watch poll failed in "${name}": ${figures.stderr.slice(0, 800)} ${figures.stdout.slice(0, 800)}`,
          );
        oursRuns.push(figures);
      };
      const runPeer = async () => {
        if (!peer) return;
        const figures = await peer.run();
        const errors = figures.stderr.split('\n').filter((line) => / \[(ERROR|WARNING)\] /.test(line));
        if (errors.length)
          process.stderr.write(`  ${peerName}: ${errors.length} errors, e.g. ${errors[0]?.slice(0, 300)}\n`);
        if (figures.code !== 0)
          process.stderr.write(`  ${peerName} exited ${figures.code}: ${figures.stderr.slice(0, 300)}\n`);
        peerRuns.push(figures);
      };
      const runFloor = async () => {
        if (!floor) return;
        const figures = await floor.run();
        if (figures.code !== 0)
          throw new Error(`the floor program failed in "${name}": ${figures.stderr.slice(0, 800)}`);
        floorRuns.push(figures);
      };
      const steps = [runOurs, runPeer, runFloor];
      for (let rep = 0; rep < reps; rep++) {
        setup.before?.(rep);
        await hosts.ready();
        if (setup.fresh) {
          await rm(setup.fresh.ours, { recursive: true, force: true });
          await peer?.reset();
          if (floor) await rm(floor.data, { recursive: true, force: true });
        }
        // Taking turns to go first: none always meets a cold fixture server or a warm one.
        for (let step = 0; step < steps.length; step++) await steps[(rep + step) % steps.length]?.();
      }
      rounds.push({
        name,
        ours: summarise(oursRuns),
        peer: peer ? summarise(peerRuns) : null,
        peerName,
        goal,
        floor: floor ? summarise(floorRuns) : null,
      });
    };
    const pollFeeds = ours(feedConfig, join(feedDir, 'data'));
    await round(`${count} feeds, all new`, pollFeeds, r2e, 'rss2email', 0.5, {
      fresh: { ours: join(feedDir, 'data') },
    });
    // The floor's store learns the feeds' entries and validators once, untimed, as policy-watch's
    // did in the all-new round.
    if (feedFloor) await feedFloor.run();
    await round(`${count} feeds, unchanged (304)`, pollFeeds, r2e, 'rss2email', 0.8, {
      floor: feedFloor,
    });
    await round(`${count} feeds, 10% changed`, pollFeeds, r2e, 'rss2email', 0.8, {
      floor: feedFloor,
      before: (rep) => {
        for (let i = 0; i < count; i += 10)
          hosts.set(`/feed-${i}`, { body: atomFeed(i, rep + 1), contentType: 'application/atom+xml' });
      },
    });
    await round(
      `${count} feeds unchanged + one sending ${Math.round(hugeBytes / 1024 / 1024)} MiB`,
      ours(hugeConfig, join(feedDir, 'data')),
      r2eHuge,
      'rss2email',
      0.8,
    );
    const pollPages = ours(pageConfig, join(pageDir, 'data'));
    await round(`${count} pages, first run`, pollPages, uw, 'urlwatch', 0.8, {
      fresh: { ours: join(pageDir, 'data') },
      floor: pageFloor,
    });
    await round(`${count} pages, unchanged`, pollPages, uw, 'urlwatch', 0.8, { floor: pageFloor });

    for (const entry of rounds) rows.push(...roundRows(entry));
    rows.push(await inProcessUnchanged(feedConfig, join(feedDir, 'data'), rounds[1]?.peer ?? null, count));
    return rows;
  } finally {
    await hosts.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A round's two rows, wall time (with the round's goal) and peak RSS (with the 150 MiB ceiling). */
function roundRows(entry: Round): BenchRow[] {
  const against = (ours: number, peer: number | undefined) => ({
    baseline: peer ?? null,
    against: entry.peer ? entry.peerName : null,
    measured: ours,
    ratio: peer === undefined ? null : ours / peer,
  });
  return [
    {
      name: `poll ${entry.name}: wall time`,
      ...against(entry.ours.ms, entry.peer?.ms),
      goal: entry.peer ? entry.goal : null,
      samples: { measured: entry.ours.samples, baseline: entry.peer?.samples ?? null },
      unit: 'ms',
    },
    ...(entry.floor
      ? [
          {
            name: `poll ${entry.name}: the stack's floor, wall time`,
            ...against(entry.floor.ms, entry.peer?.ms),
            samples: { measured: entry.floor.samples, baseline: entry.peer?.samples ?? null },
            unit: 'ms',
          },
        ]
      : []),
    {
      name: `poll ${entry.name}: peak RSS`,
      ...against(entry.ours.peakMiB, entry.peer?.peakMiB),
      limit: 150,
      unit: 'MiB',
    },
  ];
}

async function writeConfig(dir: string, name: string, sources: object[]): Promise<string> {
  const file = join(dir, name);
  const config = {
    organisation: { name: 'Bench', contact: 'bench@example.org' },
    sources,
    topics: BENCH_TOPICS,
    digests: { from: 'alerts@example.org' },
    // As polite per host as the defaults allow for a publisher that asks for nothing slower.
    polling: { concurrency: 32, perHostConcurrency: 4, perHostRatePerSecond: 100 },
  };
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * The command as a user runs it: compiled output when built, else through tsx.
 * `BENCH_CPU_PROF=DIR` profiles each run (`node --cpu-prof`, one .cpuprofile per round in DIR);
 * `BENCH_POLL_BIN=<other checkout>/bin/policy-watch.js` times another (built) checkout instead,
 * for a before/after with the same rounds.
 */
function pollProcess(config: string, dataDir: string): Promise<ProcessFigures> {
  const profile = process.env.BENCH_CPU_PROF;
  return measureProcess(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      process.env.BENCH_POLL_BIN || join(ROOT, 'bin/policy-watch.js'),
      'poll',
      '--json',
      '--config',
      config,
    ],
    {
      env: { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '' },
      cwd: ROOT,
    },
  );
}

/** The unchanged feed round inside a running process (as under `start`): no process start; median of 3. */
async function inProcessUnchanged(
  configPath: string,
  dataDir: string,
  peer: RoundFigures | null,
  count: number,
): Promise<BenchRow> {
  const { loadConfigFile } = await import('../functions/config-file.ts');
  const { openServiceDeps } = await import('../functions/cli/command-deps.ts');
  const loaded = await loadConfigFile(configPath);
  if (!loaded.ok) throw new Error(`bench config invalid: ${JSON.stringify(loaded.errors)}`);
  const runtime = await openServiceDeps({
    env: { ...process.env, DATA_DIR: dataDir },
    config: loaded.config,
    quiet: true,
  });
  try {
    await runPollCycle(runtime.deps); // warm-up: connections, JIT
    // The median of three cycles: one cycle on a shared machine is at the mercy of a neighbour.
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      await runPollCycle(runtime.deps);
      times.push(performance.now() - started);
    }
    const ms = times.sort((a, b) => a - b)[1] ?? Number.NaN;
    return {
      name: `poll ${count} feeds, unchanged (304), inside a running process: wall time`,
      baseline: peer?.ms ?? null,
      against: peer ? 'rss2email (whole process)' : null,
      measured: ms,
      ratio: peer ? ms / peer.ms : null,
      goal: peer ? 0.3 : null,
      unit: 'ms',
    };
  } finally {
    await runtime.close();
  }
}
