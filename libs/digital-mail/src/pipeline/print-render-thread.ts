import { parentPort } from 'node:worker_threads';
import { LetterContent, renderPrintLetter } from './print-letter';

/** A request to a render thread: letters to render, answered with the same id. */
export interface RenderRequest {
  id: number;
  letters: LetterContent[];
}

export type RenderAnswer = { id: number; letters: Array<{ pdf: Uint8Array; pageCount: number }> } | { id: number; error: string };

async function answer(request: RenderRequest): Promise<{ answer: RenderAnswer; transfer: ArrayBuffer[] }> {
  try {
    const letters: Array<{ pdf: Uint8Array; pageCount: number }> = [];
    for (const content of request.letters) {
      // Attachments arrive as Uint8Arrays (structured clone); pdf-lib takes those as they are.
      const { pdf, pageCount } = await renderPrintLetter(content);
      // A copy with its own memory, which can be transferred (a small Buffer shares a pooled slab).
      letters.push({ pdf: new Uint8Array(pdf), pageCount });
    }
    return { answer: { id: request.id, letters }, transfer: letters.map((l) => l.pdf.buffer as ArrayBuffer) };
  } catch (error) {
    return { answer: { id: request.id, error: (error as Error).message }, transfer: [] };
  }
}

// The body of a thread of PrintRenderPool: renders what it is sent (one request at a time, the pool sees to that).
const port = parentPort;
port?.on('message', (request: RenderRequest) => {
  void answer(request).then(({ answer, transfer }) => port.postMessage(answer, transfer));
});
