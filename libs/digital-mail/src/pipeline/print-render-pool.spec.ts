import { PDFDocument } from 'pdf-lib';
import { spawnNodeProcess } from '@kommuna/platform-testing';
import { LetterContent } from './print-letter';
import { PrintRenderPool, renderInProcess } from './print-render-pool';

const letter = (i: number, paragraphs = 1): LetterContent => ({
  senderName: 'Sundsvalls kommun',
  address: { name: `Mottagare ${i}`, street: 'Storgatan 1', postalCode: '852 30', city: 'Sundsvall' },
  subject: `Brev nummer ${i}`,
  body: Array.from({ length: paragraphs }, (_, p) => `Stycke ${p + 1}: information om avfallstaxan för hushållet.`).join('\n'),
  supportInfo: { text: 'Kontaktcenter', phone: '060-19 10 00' },
  date: new Date('2027-01-01T00:00:00Z'),
  language: i % 2 ? 'en' : 'sv',
  attachments: [],
});

/**
 * The print letters' render threads (issue 24 item 4): the PDFs come back for the right letters,
 * in the order given, across several threads and requests, as rendering on the calling thread
 * makes them; the threads are real worker threads running the TypeScript sources here.
 */
describe('PrintRenderPool', () => {
  const pool = new PrintRenderPool(2);
  afterAll(() => pool.close());

  it('renders a claim of letters on its threads, each PDF for its own letter, in order', async () => {
    // 25 letters: three requests of ten or fewer, shared by two threads; one letter of several pages.
    const letters = Array.from({ length: 25 }, (_, i) => letter(i, i === 7 ? 120 : 1));
    const rendered = await pool.render(letters);
    const local = await renderInProcess(letters);
    expect(rendered).toHaveLength(25);
    for (const [i, { pdf, pageCount }] of rendered.entries()) {
      expect(Buffer.isBuffer(pdf)).toBe(true);
      const doc = await PDFDocument.load(pdf);
      expect(doc.getTitle()).toBe(`Brev nummer ${i}`);
      expect(pageCount).toBe(doc.getPageCount());
      expect(pageCount).toBe(local[i].pageCount);
    }
    expect(rendered[7].pageCount).toBeGreaterThan(1);
  });

  it('fails a letter that cannot be rendered with its reason, and goes on rendering afterwards', async () => {
    const broken = { ...letter(1), attachments: [Buffer.from('not a PDF')] };
    await expect(pool.render([broken])).rejects.toThrow(/Rendering a print letter failed/);
    expect((await pool.render([letter(2)]))[0].pageCount).toBe(1);
  });

  it('starts new threads after close()', async () => {
    await pool.close();
    expect((await pool.render([letter(3)]))[0].pageCount).toBe(1);
  });
});

/**
 * Liveness, not speed: a process that renders and never closes the pool still exits once its work
 * is done (an idle thread keeps nothing alive; a 'message' listener added after unref() refs the
 * thread again), and does not exit before the letter is rendered (a thread at work keeps it
 * alive). The bound is generous: the child compiles the TypeScript sources on a shared machine.
 */
describe('PrintRenderPool in a process of its own', () => {
  const EXIT_WITHIN_MS = 120_000;

  it('lets a process that rendered a letter and never closed the pool exit on its own', async () => {
    const child = spawnNodeProcess({ script: 'libs/digital-mail/src/testing/render-and-leave.ts' });
    // 'close' comes after the exit and the last of its output.
    const closed = new Promise<number | null>((resolve) => child.child.once('close', (code) => resolve(code)));
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      closed.then((code) => ({ exited: true, code })),
      new Promise<{ exited: false }>((resolve) => (bound = setTimeout(() => resolve({ exited: false }), EXIT_WITHIN_MS))),
    ]);
    clearTimeout(bound);
    await child.kill();
    expect({ ...outcome, output: child.output() }).toEqual({
      exited: true,
      code: 0,
      output: expect.stringMatching(/^rendered a letter of 1 page\(s\), \d+ bytes\n$/),
    });
  }, 150_000);
});
