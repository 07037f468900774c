import { PrintRenderPool } from '../pipeline/print-render-pool';

/**
 * A process that renders a print letter on the render threads and never closes the pool, as a
 * script or a worker that just ends would (print-render-pool.spec.ts runs it): the threads must
 * not keep it alive, so it exits once its work is done.
 */
async function main(): Promise<void> {
  const pool = new PrintRenderPool(2);
  const [letter] = await pool.render([
    {
      senderName: 'Sundsvalls kommun',
      address: { name: 'Mottagare', street: 'Storgatan 1', postalCode: '852 30', city: 'Sundsvall' },
      subject: 'Ett brev',
      body: 'Information om avfallstaxan för hushållet.',
      supportInfo: { text: 'Kontaktcenter', phone: '060-19 10 00' },
      date: new Date('2027-01-01T00:00:00Z'),
      language: 'sv',
      attachments: [],
    },
  ]);
  process.stdout.write(`rendered a letter of ${letter.pageCount} page(s), ${letter.pdf.length} bytes\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
