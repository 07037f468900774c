// Scenario 3: a bulk send (70% of recipients with a digital mailbox, 30% on paper) from the
// moment the api accepted it to the last letter delivered (the simulator's last recorded digital
// delivery, or the print batch released with the paper letters), with one worker and with two;
// worker RSS sampled throughout, 10,000 against 50,000 letters.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEEDED_PEOPLE } from '../../apps/digital-mail-simulator/src/navet';
import { graphql, staffToken, startApi, startSimulator, startTestRealm, startWorker, TestRealm, testPersonnummer } from '../lib/platform';
import { machineBusyCpuSeconds, Running } from '../lib/processes';
import { freshDatabase } from '../lib/postgres';
import { Goal, goal, round, ScenarioResult } from '../lib/results';

// A run that has not finished by then records its rate so far. 190 s: a 50,000-letter send at the
// rate of the quiet run of 2026-12-07 (305 letters/s) takes about 164 s, so it finishes with room,
// and the scenario's three runs with their start-ups and warm-ups stay under 8 minutes even when
// both large runs use the whole window (about 7 when they finish at that rate).
const TIMEOUT_S = Number(process.env.BENCH_MAIL_TIMEOUT ?? 190);
const WARM_UP_LETTERS = 1000;

export interface MailRun {
  letters: number;
  workers: number;
  acceptMs: number;
  /** Accepted → last letter delivered. */
  deliverS: number | null;
  lettersPerSecond: number;
  completed: number;
  sentDigitally: number;
  sentOnPaper: number;
  otherOutcomes: Record<string, number>;
  /** Recipients the simulated register gives no postal address (its seeded emigrated, deceased, protected people): not sendable on paper. */
  withoutAddress: number;
  simulatorDeliveries: number;
  simulatorDuplicates: number;
  workerPeakRssMb: number[];
  workerRssStartMb: number[];
  finished: boolean;
  /** CPU seconds used from acceptance to the end of the run, per process and machine-wide. */
  cpu: MailCpu;
  /** The machine's load average (1, 5, 15 min) at the end of the run: other work on a shared machine shows here. */
  loadAverage: number[];
  /** Where the send's letters were at the end: open deliveries by stage, print batches by status. */
  atEnd: SendSnapshot;
  /** The same, every ~10 s of the send: whether paper and digital letters progress together. */
  timeline: Array<{ s: number } & SendSnapshot>;
}

export interface SendSnapshot {
  expanded: number;
  open: Record<string, number>;
  done: Record<string, number>;
  printBatches: Record<string, number>;
}

export interface MailCpu {
  elapsedS: number;
  cores: number;
  /** Every core's busy time together (/proc/stat): the platform's processes, PostgreSQL and the orchestrator. */
  machine: number;
  workers: number[];
  simulator: number;
  api: number;
  orchestrator: number;
  /** What the machine did besides our node processes: PostgreSQL's backends above all. */
  postgresAndRest: number;
  /** Share of all cores busy over the run. */
  busyShare: number;
  /** How much more work the machine had room for (cores × elapsed ÷ busy): a ceiling on what more workers can add. */
  headroom: number;
}

async function oneRun(
  realm: TestRealm,
  letters: number,
  workers: number,
  log: (line: string) => void,
  nodeFlags: string[] = [],
): Promise<MailRun> {
  const db = await freshDatabase(`mail${letters}x${workers}`);
  const printDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-print-'));
  const running: Running[] = [];
  try {
    const simulator = await startSimulator(4320, { SIM_REACHABLE_SHARE: '0.7' });
    running.push(simulator);
    const api = await startApi(db, realm, { port: 4303, env: { DIGITAL_MAIL_SIMULATOR_URL: simulator.url } });
    running.push(api);
    const admin = {
      authorization: `Bearer ${staffToken(realm, 'sundsvall', ['tenant_admin', 'case_worker'], { unit: 'samhallsbyggnad' })}`,
      'x-kommuna-tenant': 'sundsvall',
    };
    await graphql(
      api.url,
      'mutation($input: SaveMailTemplateInput!) { saveDigitalMailTemplate(input: $input) { id } }',
      {
        input: {
          name: 'avfallstaxa-2027',
          subject: { sv: 'Ny avfallstaxa från 1 januari 2027', en: 'New waste collection charges from 1 January 2027' },
          body: {
            sv: 'Hej! Kommunfullmäktige har beslutat om en ny avfallstaxa som gäller från den 1 januari 2027. Den nya taxan och hur den påverkar ditt hushåll finns på sundsvall.se/avfall. Har du frågor? Kontakta Kontaktcenter.',
            en: 'Hello! The municipal council has decided new waste collection charges from 1 January 2027. See sundsvall.se/avfall for what they mean for your household.',
          },
        },
      },
      admin,
    );
    const workerProcesses: Running[] = [];
    for (let w = 0; w < workers; w++) {
      const worker = await startWorker(db, { healthPort: 4330 + w, simulatorUrl: simulator.url, printDir, nodeFlags });
      running.push(worker);
      workerProcesses.push(worker);
    }
    // Where a send's letters are (a few cheap counts; read every 10 s and at the end).
    const snapshotOf = async (batchId: string): Promise<SendSnapshot> => {
      const [{ expanded }] = await db.admin<{ expanded: number }>(`SELECT expanded FROM mail_send_batch WHERE id = $1`, [batchId]);
      const stages = await db.admin<{ stage: string; channel: string | null; n: number }>(
        `SELECT stage, channel, count(*)::int AS n FROM mail_delivery WHERE send_batch_id = $1 GROUP BY 1, 2`,
        [batchId],
      );
      const batches = await db.admin<{ status: string; n: number; letters: number }>(
        `SELECT status, count(*)::int AS n, sum(letter_count)::int AS letters FROM mail_print_batch WHERE send_batch_id = $1 GROUP BY 1`,
        [batchId],
      );
      return {
        expanded,
        open: Object.fromEntries(stages.filter((r) => r.stage !== 'DONE').map((r) => [r.stage, r.n])),
        done: Object.fromEntries(stages.filter((r) => r.stage === 'DONE').map((r) => [r.channel ?? 'none', r.n])),
        printBatches: Object.fromEntries(batches.map((b) => [b.status, b.letters])),
      };
    };
    // Send a batch and wait until every letter of it has a final status (digital: the simulator
    // accepted it; paper: its print batch was released).
    const send = async (count: number, firstNumber: number, timeoutS: number) => {
      const recipients = Array.from({ length: count }, (_, i) => testPersonnummer(firstNumber + i));
      const csv = `recipient\n${recipients.join('\n')}\n`;
      const t0 = Date.now();
      const { createDigitalMailSendBatch: batch } = await graphql<{ createDigitalMailSendBatch: { id: string; total: number } }>(
        api.url,
        'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id total } }',
        {
          input: { template: { name: 'avfallstaxa-2027' }, department: 'samhallsbyggnad', csv },
        },
        admin,
      );
      const acceptedAt = Date.now();
      if (batch.total !== count) throw new Error(`batch accepted ${batch.total} of ${count}`);
      let progress = { expanded: 0, open: count };
      const timeline: Array<{ s: number } & SendSnapshot> = [];
      let nextSnapshot = 10;
      // Polled every 2 s: the count costs PostgreSQL tens of milliseconds on a 50,000-letter batch,
      // and the end time is read from the records (last delivery), not from when the poll noticed it.
      while (Date.now() - acceptedAt < timeoutS * 1000) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const [row] = await db.admin<{ expanded: number; open: number }>(
          `SELECT b.expanded, (SELECT count(*) FROM mail_delivery d WHERE d.tenant_id = b.tenant_id AND d.send_batch_id = b.id AND d.completed_at IS NULL)::int AS open
             FROM mail_send_batch b WHERE b.id = $1`,
          [batch.id],
        );
        progress = row;
        if (row.expanded === count && row.open === 0) return { batch, t0, acceptedAt, progress, finished: true, timeline, recipients };
        const s = (Date.now() - acceptedAt) / 1000;
        if (s >= nextSnapshot) {
          nextSnapshot += 10;
          const snapshot = await snapshotOf(batch.id);
          timeline.push({ s: round(s, 0), ...snapshot });
          log(`    ${round(s, 0)} s: ${describeSnapshot(snapshot)}`);
        }
      }
      return { batch, t0, acceptedAt, progress, finished: false, timeline, recipients };
    };
    // An installation in use: a first, small send, then ANALYZE, as autovacuum keeps PostgreSQL's
    // statistics in production (this machine's server runs with autovacuum off). On never-analysed
    // tables PostgreSQL plans by-id look-ups as scans of the whole municipality's rows.
    // As long as a measured send may take: on a busy shared machine a minute was not always enough.
    const warmUp = await send(WARM_UP_LETTERS, 2_000_000, TIMEOUT_S);
    if (!warmUp.finished) throw new Error(`the ${WARM_UP_LETTERS}-letter warm-up send did not finish within ${TIMEOUT_S} s`);
    await db.admin('ANALYZE');
    const warmUpDeliveries = ((await (await fetch(`${simulator.url}/_records`)).json()) as { deliveries: unknown[] }).deliveries.length;
    for (const worker of workerProcesses) worker.resetPeak();

    const workerRssStartMb = workerProcesses.map((w) => round(w.rssMb(), 1));
    const cpuAtStart = {
      machine: machineBusyCpuSeconds(),
      workers: workerProcesses.map((w) => w.cpuSeconds()),
      simulator: simulator.cpuSeconds(),
      api: api.cpuSeconds(),
      orchestrator: process.cpuUsage(),
    };
    const { batch, t0, acceptedAt, progress, finished, timeline, recipients } = await send(letters, 1_000_000, TIMEOUT_S);
    const elapsedS = (Date.now() - t0) / 1000;
    const cpu = cpuSince(cpuAtStart, elapsedS, {
      machine: machineBusyCpuSeconds(),
      workers: workerProcesses.map((w) => w.cpuSeconds()),
      simulator: simulator.cpuSeconds(),
      api: api.cpuSeconds(),
      orchestrator: process.cpuUsage(),
    });
    const atEnd = await snapshotOf(batch.id);
    const outcomes = await db.admin<{ status: string; channel: string | null; n: number; last: Date }>(
      `SELECT status, channel, count(*)::int AS n, max(completed_at) AS last FROM mail_delivery WHERE send_batch_id = $1 AND completed_at IS NOT NULL GROUP BY 1, 2`,
      [batch.id],
    );
    const records = (await (await fetch(`${simulator.url}/_records`)).json()) as {
      deliveries: Array<{ receivedAt: string }>;
      deliveryCounts: Record<string, { accepted: number; requests: number }>;
    };
    const lastSimulator = records.deliveries.reduce((max, d) => Math.max(max, Date.parse(d.receivedAt)), 0);
    const lastDb = outcomes.reduce((max, o) => Math.max(max, new Date(o.last).getTime()), 0);
    const completed = outcomes.reduce((sum, o) => sum + o.n, 0);
    const end = finished ? Math.max(lastSimulator, lastDb) : Date.now();
    const deliverS = (end - acceptedAt) / 1000;
    const sentDigitally = outcomes.find((o) => o.status === 'SENT' && o.channel === 'digital')?.n ?? 0;
    const sentOnPaper = outcomes.find((o) => o.status === 'SENT' && o.channel === 'paper')?.n ?? 0;
    const result: MailRun = {
      letters,
      workers,
      acceptMs: acceptedAt - t0,
      deliverS: finished ? round(deliverS, 1) : null,
      // Unfinished: the rate so far (letters with a final status per second).
      lettersPerSecond: round(completed / deliverS, 0),
      completed,
      sentDigitally,
      sentOnPaper,
      otherOutcomes: Object.fromEntries(outcomes.filter((o) => o.status !== 'SENT').map((o) => [o.status, o.n])),
      withoutAddress: recipients.filter((r) => SEEDED_PEOPLE[r] && !SEEDED_PEOPLE[r].address).length,
      simulatorDeliveries: records.deliveries.length - warmUpDeliveries,
      simulatorDuplicates: Object.values(records.deliveryCounts).filter((c) => c.accepted !== 1).length,
      workerPeakRssMb: workerProcesses.map((w) => round(w.peakRssMb(), 1)),
      workerRssStartMb,
      finished,
      cpu,
      loadAverage: os.loadavg().map((l) => round(l, 1)),
      atEnd,
      timeline,
    };
    log(
      `  ${letters} letters, ${workers} worker(s): accepted in ${result.acceptMs} ms; ${finished ? `all delivered in ${result.deliverS} s` : `NOT finished within ${TIMEOUT_S} s (${completed} done, ${progress.expanded} expanded)`}: ${result.lettersPerSecond} letters/s; digital ${sentDigitally}, paper ${sentOnPaper}; worker peak RSS ${result.workerPeakRssMb.join(', ')} MB; CPU s: machine ${cpu.machine} of ${round(cpu.cores * cpu.elapsedS, 1)} (${Math.round(cpu.busyShare * 100)} % busy), worker(s) ${cpu.workers.join(' + ')}, PostgreSQL and rest ${cpu.postgresAndRest}, simulator ${cpu.simulator}, api ${cpu.api}; load average ${result.loadAverage.join('/')}; at the end ${describeSnapshot(atEnd)}`,
    );
    return result;
  } finally {
    for (const process of running.reverse()) await process.stop();
    await db.drop();
    fs.rmSync(printDir, { recursive: true, force: true });
  }
}

export async function runMailBulk(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const realm = await startTestRealm('kommuna');
  const flags = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(__dirname, '../results/profiles')}`] : [];
  try {
    const small = await oneRun(realm, Number(process.env.BENCH_MAIL_SMALL ?? 10_000), 1, log, flags);
    const big = await oneRun(realm, Number(process.env.BENCH_MAIL_LETTERS ?? 50_000), 1, log, flags);
    const two = await oneRun(realm, Number(process.env.BENCH_MAIL_LETTERS ?? 50_000), 2, log);
    const [goals, notes] = mailGoals(small, big, two);
    return {
      scenario: 'mail-bulk',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals,
      notes,
      figures: {
        runs: [small, big, two],
        twoOverOne: round(two.lettersPerSecond / big.lettersPerSecond),
        table: [small, big, two].map((r) => ({
          letters: r.letters,
          workers: r.workers,
          'accept ms': r.acceptMs,
          'deliver s': r.deliverS ?? `> ${TIMEOUT_S}`,
          'letters/s': r.lettersPerSecond,
          digital: r.sentDigitally,
          paper: r.sentOnPaper,
          'worker peak RSS MB': r.workerPeakRssMb.join(' + '),
          'machine CPU busy': `${Math.round(r.cpu.busyShare * 100)} %`,
          // Per letter with a final status (an unfinished run did not deliver them all).
          'worker CPU ms/letter': round((r.cpu.workers.reduce((a, b) => a + b, 0) * 1000) / Math.max(1, r.completed), 2),
        })),
      },
    };
  } finally {
    await realm.close();
  }
}

/** "expanded 20000; open REACHABILITY 1000, PAPER 300; done digital 12000; print batches OPEN 2000 letters". */
function describeSnapshot(s: SendSnapshot): string {
  const pairs = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  return `expanded ${s.expanded}; open ${pairs(s.open)}; done ${pairs(s.done)}; print batches (letters) ${pairs(s.printBatches)}`;
}

type CpuReading = { machine: number; workers: number[]; simulator: number; api: number; orchestrator: NodeJS.CpuUsage };

function cpuSince(start: CpuReading, elapsedS: number, end: CpuReading): MailCpu {
  const cores = os.cpus().length;
  const machine = end.machine - start.machine;
  const workers = end.workers.map((w, i) => round(w - start.workers[i], 1));
  const simulator = end.simulator - start.simulator;
  const api = end.api - start.api;
  const orchestrator = (end.orchestrator.user - start.orchestrator.user + end.orchestrator.system - start.orchestrator.system) / 1e6;
  const ours = workers.reduce((a, b) => a + b, 0) + simulator + api + orchestrator;
  return {
    elapsedS: round(elapsedS, 1),
    cores,
    machine: round(machine, 1),
    workers,
    simulator: round(simulator, 1),
    api: round(api, 1),
    orchestrator: round(orchestrator, 1),
    postgresAndRest: round(Math.max(0, machine - ours), 1),
    busyShare: round(machine / (cores * elapsedS)),
    headroom: round((cores * elapsedS) / machine),
  };
}

/** The goals, judged on the runs; a run that did not finish meets none of the goals that need it. */
export function mailGoals(small: MailRun, big: MailRun, two: MailRun): [Goal[], string[]] {
  const scale = round(two.lettersPerSecond / big.lettersPerSecond);
  const peak = Math.max(...small.workerPeakRssMb, ...big.workerPeakRssMb, ...two.workerPeakRssMb);
  const growth = round(big.workerPeakRssMb[0] - small.workerPeakRssMb[0], 1);
  const runs = [small, big, two];
  const unfinished = runs.filter((r) => !r.finished);
  const duplicates = runs.reduce((sum, r) => sum + r.simulatorDuplicates, 0);
  const exact =
    unfinished.length === 0 &&
    duplicates === 0 &&
    runs.every((r) => {
      // A letter is not sent only to a recipient the register gives no address (and no mailbox):
      // the simulator's seeded emigrated, deceased and protected people, when a send's numbers meet them.
      const notSent = r.otherOutcomes.NOT_SENT ?? 0;
      const others = Object.keys(r.otherOutcomes).filter((status) => status !== 'NOT_SENT');
      return (
        r.simulatorDeliveries === r.sentDigitally &&
        others.length === 0 &&
        notSent <= r.withoutAddress &&
        r.sentDigitally + r.sentOnPaper + notSent === r.letters
      );
    });
  const notes = unfinished.map(
    (r) =>
      `The ${r.letters}-letter run with ${r.workers} worker(s) did not finish within ${TIMEOUT_S} s: its rate is letters with a final status per second so far; goals that need a finished run are not met. At the end: ${describeSnapshot(r.atEnd)}.`,
  );
  if (duplicates === 0) notes.push('No letter reached the simulator twice in any run (deliveryCounts accepted = 1 for every message).');
  for (const r of runs.filter((r) => r.otherOutcomes.NOT_SENT)) {
    notes.push(
      `The ${r.letters}-letter run with ${r.workers} worker(s): ${r.otherOutcomes.NOT_SENT} letter(s) NOT_SENT, to recipients the simulated population register gives no address (${r.withoutAddress} of the send's numbers are its seeded people without one, e.g. an emigrated person): the pipeline's answer for them, counted as final.`,
    );
  }
  const c = big.cpu;
  const perLetter = (r: MailRun) => round((r.cpu.machine * 1000) / Math.max(1, r.completed), 2);
  notes.push(
    `CPU over the ${big.letters}-letter run with one worker (${c.elapsedS} s, ${c.cores} cores, so ${round(c.cores * c.elapsedS, 1)} CPU s available): ` +
      `the machine was busy ${c.machine} s (${Math.round(c.busyShare * 100)} %): worker ${c.workers[0]} s (${round((c.workers[0] * 1000) / Math.max(1, big.completed), 2)} ms per letter with a final status), ` +
      `PostgreSQL and the rest ${c.postgresAndRest} s, simulator ${c.simulator} s, api ${c.api} s, orchestrator ${c.orchestrator} s: ${perLetter(big)} ms of machine CPU per letter. ` +
      `At that cost per letter a second worker could add only the idle share (${c.headroom}× one). ` +
      `With two workers the machine was ${Math.round(two.cpu.busyShare * 100)} % busy at ${perLetter(two)} ms per letter (PostgreSQL and the rest ${two.cpu.postgresAndRest} s): ${scale}× one.`,
  );
  notes.push(
    `Machine load average (1/5/15 min) at the end of each run: ${runs.map((r) => `${r.letters} × ${r.workers}: ${r.loadAverage.join('/')}`).join('; ')} on ${big.cpu.cores} cores. ` +
      `"PostgreSQL and the rest" is the machine's busy time less our node processes: on a shared machine it includes other people's work.`,
  );
  return [
    [
      goal(
        'letters/s, one worker (accepted → last delivery)',
        '≥ 1000',
        big.lettersPerSecond,
        big.finished && big.lettersPerSecond >= 1000,
      ),
      goal('two workers vs one', '≥ 1.7×', scale, big.finished && two.finished && scale >= 1.7),
      goal('worker peak RSS (MB)', '< 300', peak, peak < 300),
      goal('worker RSS flat: 50k vs 10k peak (MB)', 'flat (≤ +30), both finished', growth, small.finished && big.finished && growth <= 30),
      goal(
        'every letter delivered, exactly once',
        'yes',
        unfinished.length ? `not all within ${TIMEOUT_S} s; duplicates ${duplicates}` : exact ? 'yes' : `no (duplicates ${duplicates})`,
        exact,
      ),
    ],
    notes,
  ];
}
