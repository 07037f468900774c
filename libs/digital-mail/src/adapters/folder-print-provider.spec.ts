import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../testing/fixtures';
import { FolderPrintProvider } from './folder-print-provider';
import { PrintLetter } from './types';

/** A batch's letters as the print step streams them, yielding to the event loop between letters as a database read does. */
async function* lettersOf(count: number): AsyncIterable<PrintLetter> {
  for (let i = 1; i <= count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    yield { sequence: i, messageId: `message-${i}`, pdf: Buffer.from(`%PDF letter ${i}`), pageCount: 1, sha256: `sha-${i}` };
  }
}

describe('FolderPrintProvider', () => {
  const batch = {
    batchId: 'b7c0a8e2-4d0c-4a53-9a43-3c1f3c7b2f10',
    tenantSlug: 'sundsvall',
    senderName: 'Sundsvalls kommun',
    letterCount: 40,
  };

  it('takes a batch once, whole, when two workers hand it over at the same time', async () => {
    const root = tempDir();
    const provider = new FolderPrintProvider(root);
    const [first, second] = await Promise.all([
      provider.release(batch, lettersOf(batch.letterCount)),
      provider.release(batch, lettersOf(batch.letterCount)),
    ]);
    const final = path.join(root, 'sundsvall', batch.batchId);
    expect(first).toEqual({ location: final });
    expect(second).toEqual({ location: final });
    // The batch in place, every letter in it once, and nothing left aside.
    const manifest = JSON.parse(fs.readFileSync(path.join(final, 'manifest.json'), 'utf8'));
    expect(manifest.letters.map((l: { messageId: string }) => l.messageId)).toEqual(
      Array.from({ length: batch.letterCount }, (_, i) => `message-${i + 1}`),
    );
    for (const letter of manifest.letters)
      expect(fs.readFileSync(path.join(final, letter.file), 'utf8')).toBe(`%PDF letter ${letter.sequence}`);
    expect(fs.readdirSync(path.join(root, 'sundsvall'))).toEqual([batch.batchId]);
    // Handed over again later (a worker died before recording it): the batch is already there, not written again.
    const before = fs.statSync(path.join(final, 'manifest.json')).mtimeMs;
    expect(await provider.release(batch, lettersOf(batch.letterCount))).toEqual({ location: final });
    expect(fs.statSync(path.join(final, 'manifest.json')).mtimeMs).toBe(before);
  });
});
