// BullMQ beside hotline's timers: N delayed jobs added (the rate), an idle window, then K due over the next seconds and their promotion lag to a Worker; prints JSON.
//
// usage: node bench.mjs --socket PATH [--n N] [--k K] [--lead S] [--span S]
//        [--idle S] [--far-days D] [--chunk C] [--inflight I] [--concurrency W]
// The due pattern is bench-timers.c's: N jobs due in far-days to 2 x far-days,
// spread evenly; K due at t0 + lead + i * span / K, t0 being when they are added.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const DAY_MS = 86400000;
const GRACE_MS = 10000;
const SETTLE_MS = 1000;
const QUEUE = 'timers';
const PREFIX = 'bench-bull';

// Reads --name value pairs over the defaults.
function parseArgs(argv) {
  const o = { socket: '', n: 1000000, k: 5000, lead: 3, span: 25, idle: 10,
    farDays: 30, chunk: 100, inflight: 4, concurrency: 1 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase());
    if (!(key in o) || argv[i + 1] === undefined)
      throw new Error(`unknown or incomplete option ${argv[i]}`);
    o[key] = key === 'socket' ? argv[i + 1] : Number(argv[i + 1]);
    if (key !== 'socket' && !(o[key] > 0 || (key === 'idle' && o[key] === 0)))
      throw new Error(`${argv[i]} needs a positive number`);
  }
  if (!o.socket)
    throw new Error('--socket is required');
  return o;
}

// Milliseconds since the epoch, with the fraction.
function nowMs() {
  return performance.timeOrigin + performance.now();
}

// Prints a progress line to stderr.
function note(msg) {
  process.stderr.write(`  bullmq: ${msg}\n`);
}

// The version of an installed package.
function version(pkg) {
  const url = new URL(`./node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

// Nearest-rank percentile of sorted samples, as latency.c computes it.
function percentile(sorted, p) {
  if (sorted.length === 0)
    return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.floor(p / 100 * sorted.length + 0.999999)));
  return sorted[rank - 1];
}

// Redis's CPU seconds and its command calls (EVALSHA, and all but INFO).
async function redisCounters(stats) {
  const cpu = await stats.info('cpu');
  const cmd = await stats.info('commandstats');
  const field = name => Number((cpu.match(new RegExp(`^${name}:([0-9.]+)`, 'm')) || [])[1] || 0);
  let evalsha = 0, commands = 0;
  for (const m of cmd.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] === 'evalsha')
      evalsha = Number(m[2]);
    if (m[1] !== 'info')
      commands += Number(m[2]);
  }
  return { redisCpu: field('used_cpu_sys') + field('used_cpu_user'), evalsha, commands };
}

// Reads the counters of a window's start or end: wall, this process's CPU, Redis.
async function costsRead(stats) {
  const c = await redisCounters(stats);
  const u = process.cpuUsage();
  return { ...c, wall: nowMs(), cpu: (u.user + u.system) / 1e6 };
}

// The differences of two readings.
function costsDiff(a, b) {
  return {
    seconds: (b.wall - a.wall) / 1000,
    engine_cpu_ms: (b.cpu - a.cpu) * 1000,
    redis_cpu_ms: (b.redisCpu - a.redisCpu) * 1000,
    evalsha_calls: b.evalsha - a.evalsha,
    redis_commands: b.commands - a.commands,
  };
}

// Adds jobs first..first+count-1, due first + i * step, in chunks of addBulk
// with up to o.inflight chunks in flight; returns the seconds it took.
async function addJobs(queue, o, count, due, sample) {
  const t0 = nowMs();
  let next = 0;
  // Adds the chunks one after another; o.inflight of these run at once.
  async function lane() {
    while (next < count) {
      const from = next, to = Math.min(count, from + o.chunk);
      next = to;
      const jobs = [];
      const now = Date.now();
      for (let i = from; i < to; i++) {
        const d = due(i);
        jobs.push({ name: 'overdue', data: sample ? { i, due: d } : { i },
          opts: { timestamp: now, delay: Math.max(0, d - now) } });
      }
      await queue.addBulk(jobs);
    }
  }
  await Promise.all(Array.from({ length: o.inflight }, lane));
  return (nowMs() - t0) / 1000;
}

// Summarises the lags (ms) of the sample.
function lagSummary(lags, o, duplicates) {
  const s = Float64Array.from(lags).sort();
  return { p50_ms: percentile(s, 50), p90_ms: percentile(s, 90),
    p99_ms: percentile(s, 99), p999_ms: percentile(s, 99.9),
    max_ms: s.length ? s[s.length - 1] : 0, count: s.length, sample: o.k,
    missing: o.k - s.length, duplicates, pending: o.n };
}

// Arms, idles, fires; returns the result object.
async function run(o) {
  const clients = [];
  // A new connection; BullMQ leaves the ones it is given open, so they are kept here.
  const connect = () => {
    clients.push(new Redis({ path: o.socket, maxRetriesPerRequest: null }));
    return clients[clients.length - 1];
  };
  const stats = connect();
  const queue = new Queue(QUEUE, { connection: connect(), prefix: PREFIX,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  const seen = new Uint8Array(o.k);
  const lags = [];
  let duplicates = 0, strays = 0, done;
  const finished = new Promise(resolve => { done = resolve; });
  const worker = new Worker(QUEUE, async job => {
    const got = nowMs();
    const d = job.data;
    if (d.due === undefined || d.i >= o.k) {
      strays++;
      return;
    }
    if (seen[d.i]++) {
      duplicates++;
      return;
    }
    lags.push(got - d.due);
    if (lags.length === o.k)
      done();
  }, { connection: connect(), prefix: PREFIX, concurrency: o.concurrency });
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  const result = { n: o.n, k: o.k, bullmq: version('bullmq'), ioredis: version('ioredis'),
    node: process.version, chunk: o.chunk, inflight: o.inflight, concurrency: o.concurrency };

  note(`adding ${o.n} delayed jobs due in ${o.farDays} to ${2 * o.farDays} days (addBulk of ${o.chunk}, ${o.inflight} in flight)`);
  const farFirst = Date.now() + o.farDays * DAY_MS, farStep = o.farDays * DAY_MS / o.n;
  let c0 = await costsRead(stats);
  const s = await addJobs(queue, o, o.n, i => farFirst + Math.trunc(i * farStep), false);
  let c1 = await costsRead(stats);
  result.arm = { value: o.n / s, timers: o.n, seconds: s,
    redis_busy_pct: 100 * (c1.redisCpu - c0.redisCpu) / s,
    client_busy_pct: 100 * (c1.cpu - c0.cpu) / s };

  await new Promise(r => setTimeout(r, SETTLE_MS));
  const pending = await queue.getDelayedCount();
  note(`idle: ${o.idle} s with ${pending} delayed jobs, none due`);
  c0 = await costsRead(stats);
  await new Promise(r => setTimeout(r, o.idle * 1000));
  c1 = await costsRead(stats);
  result.idle = { ...costsDiff(c0, c1), pending };
  result.idle.value = result.idle.engine_cpu_ms;

  const first = Date.now() + o.lead * 1000, step = o.span * 1000 / o.k;
  note(`firing: ${o.k} jobs due from ${o.lead} s to ${o.lead + o.span} s from now`);
  c0 = await costsRead(stats);
  await addJobs(queue, o, o.k, i => first + Math.trunc(i * step), true);
  const last = first + o.span * 1000 + GRACE_MS;
  await Promise.race([finished, new Promise(r => setTimeout(r, Math.max(0, last - Date.now())))]);
  c1 = await costsRead(stats);
  result.fire = lagSummary(lags, o, duplicates);
  result.fire_cost = { ...costsDiff(c0, c1), strays };
  result.fire_cost.value = result.fire_cost.evalsha_calls;
  if (lags.length < o.k)
    note(`${o.k - lags.length} of ${o.k} jobs never reached the worker`);
  await worker.close();
  await queue.close();
  for (const c of clients)
    c.disconnect();
  return result;
}

try {
  process.stdout.write(JSON.stringify(await run(parseArgs(process.argv))) + '\n');
} catch (e) {
  process.stderr.write(`bench.mjs: ${e.stack || e}\n`);
  process.exit(1);
}
