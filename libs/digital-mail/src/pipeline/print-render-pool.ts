import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LetterContent, renderPrintLetter } from './print-letter';
import type { RenderAnswer, RenderRequest } from './print-render-thread';

export interface RenderedPrintLetter {
  pdf: Buffer;
  pageCount: number;
}

/** Renders print letters; `PrintRenderPool` on threads, `renderInProcess` on the calling thread. */
export type PrintRenderer = (letters: LetterContent[]) => Promise<RenderedPrintLetter[]>;

export const renderInProcess: PrintRenderer = async (letters) => {
  const rendered: RenderedPrintLetter[] = [];
  for (const letter of letters) rendered.push(await renderPrintLetter(letter));
  return rendered;
};

/** Letters per message to a thread: large enough that messaging costs little, small enough to share a claim between threads. */
const LETTERS_PER_REQUEST = 10;

/** Threads by default: the cores but one (the process's own thread has the database and the operators), at least one. */
export const defaultRenderThreads = (): number => Math.max(1, Math.min(4, os.availableParallelism() - 1));

interface Thread {
  worker: Worker;
  busy: { request: RenderRequest; resolve: (letters: RenderedPrintLetter[]) => void; reject: (error: Error) => void } | null;
}

/**
 * Renders print letters' PDFs on worker threads (issue 24 item 4): pdf-lib takes about a
 * millisecond of CPU per letter, which on the worker's one thread held up everything else it does
 * (database, operators' calls, other municipalities' letters). A fixed number of threads, started
 * on first use; a thread at work keeps the process alive until its answer is in, an idle one never
 * does (a process need not close the pool to exit). A claim's letters are split into requests of
 * ten, queued while every thread is busy. A thread that dies fails its request (the
 * claim is retried when its lease runs out) and is replaced on the next request.
 *
 * Hand-made on node:worker_threads rather than a pool library: the pool loads its thread's file
 * with the process's own loader, also from the TypeScript sources (tests, development), which
 * piscina's ESM import() of the task file cannot do; and one fixed task type needs little more.
 */
export class PrintRenderPool {
  private readonly threads: Thread[] = [];
  private readonly waiting: Array<Thread['busy'] & object> = [];
  private nextId = 1;

  constructor(readonly size: number = defaultRenderThreads()) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`PrintRenderPool: threads must be a whole number of at least 1, not ${size}`);
  }

  /** The letters' PDFs, in the order given. */
  readonly render: PrintRenderer = async (letters) => {
    const parts: Array<Promise<RenderedPrintLetter[]>> = [];
    for (let i = 0; i < letters.length; i += LETTERS_PER_REQUEST) {
      const request: RenderRequest = { id: this.nextId++, letters: letters.slice(i, i + LETTERS_PER_REQUEST) };
      parts.push(new Promise((resolve, reject) => this.dispatch({ request, resolve, reject })));
    }
    return (await Promise.all(parts)).flat();
  };

  /** Stops the threads (requests still queued fail); a later render starts new ones. */
  async close(): Promise<void> {
    for (const job of this.waiting.splice(0)) job.reject(new Error('PrintRenderPool: closed'));
    const threads = this.threads.splice(0);
    for (const thread of threads) thread.busy?.reject(new Error('PrintRenderPool: closed'));
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private dispatch(job: Thread['busy'] & object): void {
    let thread = this.threads.find((t) => !t.busy);
    if (!thread && this.threads.length < this.size) thread = this.spawn();
    if (!thread) {
      this.waiting.push(job);
      return;
    }
    thread.busy = job;
    // A thread at work keeps the process alive until its answer is in (else a process with nothing
    // else to do would exit with the render unfinished); an idle one does not.
    thread.worker.ref();
    thread.worker.postMessage(job.request);
  }

  private spawn(): Thread {
    const worker = startRenderThread();
    const thread: Thread = { worker, busy: null };
    worker.on('message', (answer: RenderAnswer) => {
      const job = thread.busy;
      if (!job || job.request.id !== answer.id) return;
      thread.busy = null;
      if ('error' in answer) job.reject(new Error(`Rendering a print letter failed: ${answer.error}`));
      else
        job.resolve(
          answer.letters.map((l) => ({ pdf: Buffer.from(l.pdf.buffer, l.pdf.byteOffset, l.pdf.byteLength), pageCount: l.pageCount })),
        );
      const next = this.waiting.shift();
      if (next) this.dispatch(next);
      if (!thread.busy) thread.worker.unref();
    });
    const lost = (error: Error) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      this.threads.splice(index, 1);
      thread.busy?.reject(error);
      thread.busy = null;
      const next = this.waiting.shift();
      if (next) this.dispatch(next);
    };
    worker.on('error', (error) => lost(new Error(`A print render thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`A print render thread stopped (exit code ${code})`)));
    // Idle until dispatched; after the listeners, as adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.threads.push(thread);
    return thread;
  }
}

/**
 * The thread's script: the compiled print-render-thread.js beside this file, or, running from the
 * TypeScript sources, the .ts file through @swc-node/register (as this process loads its own).
 */
function startRenderThread(): Worker {
  const compiled = path.join(__dirname, 'print-render-thread.js');
  if (__filename.endsWith('.js') && fs.existsSync(compiled)) return new Worker(compiled);
  const source = path.join(__dirname, 'print-render-thread.ts');
  const project = process.env.SWC_NODE_PROJECT ?? findUp(__dirname, 'tsconfig.base.json');
  const script = [
    project ? `process.env.SWC_NODE_PROJECT ??= ${JSON.stringify(project)};` : '',
    // A process started with -r @swc-node/register has it in this thread already (execArgv is inherited).
    `if (!require.extensions['.ts']) require(${JSON.stringify(require.resolve('@swc-node/register'))});`,
    `require(${JSON.stringify(source)});`,
  ].join('\n');
  return new Worker(script, { eval: true });
}

function findUp(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
    if (path.dirname(dir) === dir) return undefined;
  }
}
