import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSpeechAudio, speechChunks, speechWav } from '@kommuna/ai';

/** How the api cuts a recording by default (AiDrafts): the sidecar texts must match its chunks. */
const API_CHUNKING = { maxChunkSeconds: 300, skipSilenceSeconds: 2 };

/**
 * The sidecar transcripts of the sample recordings in `dir` (name.wav beside name.txt): each
 * recording is cut as the api cuts it, and its n-th chunk (the n-th stretch of speech) is answered
 * with the n-th line of its text, by the SHA-256 of the chunk as the api sends it. A recording
 * whose chunks and lines differ in number is answered with its whole text for its first chunk.
 */
export async function sampleTranscripts(dir: string): Promise<{ transcripts: Map<string, string>; samples: string[] }> {
  const transcripts = new Map<string, string>();
  const samples: string[] = [];
  if (!fs.existsSync(dir)) return { transcripts, samples };
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => /\.(wav|ogg|mp3)$/.test(n))
    .sort()) {
    const textFile = path.join(dir, name.replace(/\.[a-z0-9]+$/, '.txt'));
    if (!fs.existsSync(textFile)) continue;
    const lines = fs
      .readFileSync(textFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const audio = await decodeSpeechAudio(fs.readFileSync(path.join(dir, name)), { maxSeconds: 7200 });
    const { chunks } = speechChunks(audio, API_CHUNKING);
    const texts = chunks.length === lines.length ? lines : [lines.join(' ')];
    texts.forEach((text, i) => {
      const chunk = chunks[i];
      if (chunk)
        transcripts.set(
          createHash('sha256')
            .update(speechWav(audio, chunk.range.start, chunk.range.end))
            .digest('hex'),
          text,
        );
    });
    samples.push(name);
  }
  return { transcripts, samples };
}
