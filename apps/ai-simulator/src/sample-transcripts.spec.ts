import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSpeechAudio, ModelSimulator, OpenAiCompatibleClient, speechChunks, speechWav, startModelSimulator } from '@kommuna/ai';
import { sampleTranscripts } from './sample-transcripts';

const SAMPLES = path.resolve(__dirname, 'samples');

describe("the AI simulator's sample recordings", () => {
  let simulator: ModelSimulator;
  afterAll(() => simulator?.close());

  it('answers each stretch of speech of the sample call, cut as the api cuts it, with its line of the text', async () => {
    const { transcripts, samples } = await sampleTranscripts(SAMPLES);
    expect(samples).toEqual(['samtal-parkeringstillstand.wav']);
    const lines = fs.readFileSync(path.join(SAMPLES, 'samtal-parkeringstillstand.txt'), 'utf8').trim().split('\n');
    expect([...transcripts.values()]).toEqual(lines);

    simulator = await startModelSimulator({ transcripts });
    const audio = await decodeSpeechAudio(fs.readFileSync(path.join(SAMPLES, 'samtal-parkeringstillstand.wav')), { maxSeconds: 60 });
    const { chunks } = speechChunks(audio, { maxChunkSeconds: 300, skipSilenceSeconds: 2 });
    const client = new OpenAiCompatibleClient({ timeoutMs: 5000, attempts: 1 });
    const model = {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'sim-whisper',
      capability: 'transcription' as const,
      baseUrl: simulator.url,
      providerModel: 'KBLab/kb-whisper-large',
      processor: 'simulator',
      hostingCountry: 'SE',
      clearedFor: 'sekretess',
      credentialRef: null,
      enabled: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const heard = [];
    for (const chunk of chunks)
      heard.push(
        await client.transcribe(
          model,
          { content: speechWav(audio, chunk.range.start, chunk.range.end), fileName: 'c.wav', mediaType: 'audio/wav' },
          { language: 'sv' },
        ),
      );
    expect(heard).toEqual(lines);
  });
});
