import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrintBatchDescription, PrintLetter, PrintProvider } from './types';

/**
 * A print provider that receives batches in a folder (or an SFTP drop mounted as one): each
 * batch is a folder of letter PDFs plus manifest.json, written aside and renamed into place, so
 * the provider never sees half a batch.
 */
export class FolderPrintProvider implements PrintProvider {
  constructor(private readonly root: string) {}

  async release(batch: PrintBatchDescription, letters: AsyncIterable<PrintLetter>): Promise<{ location: string }> {
    const tenantDir = path.join(this.root, batch.tenantSlug);
    const final = path.join(tenantDir, batch.batchId);
    // Released before (a crash between writing and recording it): the batch is already there.
    if (fs.existsSync(path.join(final, 'manifest.json'))) return { location: final };
    const partial = path.join(tenantDir, `.${batch.batchId}.partial`);
    await fs.promises.rm(partial, { recursive: true, force: true });
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
    await fs.promises.rename(partial, final);
    return { location: final };
  }
}
