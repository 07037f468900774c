import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrintBatchDescription, PrintLetter, PrintProvider } from './types';

/**
 * A print provider that receives batches in a folder (or an SFTP drop mounted as one): each
 * batch is a folder of letter PDFs plus manifest.json, written aside and renamed into place, so
 * the provider never sees half a batch. It takes a batch by its id, once, also when two workers
 * hand the same batch over at the same time: each writes its own folder aside, the first rename
 * puts the batch in place, and the other finds it there and drops its copy.
 */
export class FolderPrintProvider implements PrintProvider {
  constructor(private readonly root: string) {}

  async release(batch: PrintBatchDescription, letters: AsyncIterable<PrintLetter>): Promise<{ location: string }> {
    const tenantDir = path.join(this.root, batch.tenantSlug);
    const final = path.join(tenantDir, batch.batchId);
    // Released before (a crash between writing and recording it): the batch is already there.
    if (fs.existsSync(path.join(final, 'manifest.json'))) return { location: final };
    await removeStalePartials(tenantDir, batch.batchId);
    // This hand-over's own folder: another one of the same batch (a second worker) never writes into it.
    const partial = path.join(tenantDir, `.${batch.batchId}.${randomUUID()}.partial`);
    await fs.promises.mkdir(partial, { recursive: true });
    const entries: Array<{ sequence: number; file: string; messageId: string; pages: number; sha256: string }> = [];
    for await (const letter of letters) {
      const file = `letter-${String(letter.sequence).padStart(6, '0')}.pdf`;
      await fs.promises.writeFile(path.join(partial, file), letter.pdf);
      entries.push({ sequence: letter.sequence, file, messageId: letter.messageId, pages: letter.pageCount, sha256: letter.sha256 });
    }
    const manifest = {
      batchId: batch.batchId,
      tenant: batch.tenantSlug,
      sender: batch.senderName,
      envelope: 'C5 window, address 20 mm from the left, 45-65 mm from the top',
      letterCount: entries.length,
      createdAt: new Date().toISOString(),
      letters: entries,
    };
    await fs.promises.writeFile(path.join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2));
    try {
      await fs.promises.rename(partial, final);
    } catch (error) {
      // Renaming onto a folder that is not empty fails: another hand-over of this batch put it in place first.
      if (!fs.existsSync(path.join(final, 'manifest.json'))) throw error;
      await fs.promises.rm(partial, { recursive: true, force: true });
    }
    return { location: final };
  }
}

/** A hand-over that died leaves its folder aside; one older than this is no live hand-over's. */
const STALE_PARTIAL_MS = 3_600_000;

async function removeStalePartials(tenantDir: string, batchId: string): Promise<void> {
  const names = await fs.promises.readdir(tenantDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`.${batchId}.`) || !name.endsWith('.partial')) continue;
    const folder = path.join(tenantDir, name);
    const stat = await fs.promises.stat(folder).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_PARTIAL_MS) await fs.promises.rm(folder, { recursive: true, force: true });
  }
}
