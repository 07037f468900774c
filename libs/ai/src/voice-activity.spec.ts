import { decodeSpeechAudio, detectSpeech, SpeechAudio, speechChunks } from './index';
import { Sound, syntheticWav } from './testing/synthetic-audio';

const audioOf = (sounds: Sound[]): Promise<SpeechAudio> => decodeSpeechAudio(syntheticWav(sounds), { maxSeconds: 3600 });
const seconds = (ranges: Array<{ start: number; end: number }>) => ranges.map((r) => [r.start / 16000, r.end / 16000]);
/** Boundaries fall on 30 ms analysis frames: each may be off by up to one frame. */
function expectRanges(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((range, i) => range.forEach((edge, j) => expect(Math.abs(edge - expected[i][j])).toBeLessThanOrEqual(0.031)));
}

describe('voice activity detection (energy-based)', () => {
  it('finds the speech between silences, padded by 0.2 s', async () => {
    const audio = await audioOf([
      { silence: true, seconds: 1 },
      { tone: 220, seconds: 2 },
      { silence: true, seconds: 3 },
      { tone: 330, seconds: 1.5 },
      { silence: true, seconds: 1 },
    ]);
    expectRanges(seconds(detectSpeech(audio).speech), [
      [0.8, 3.2],
      [5.8, 7.7],
    ]);
  });

  it('tells speech from a steady background noise by the noise floor, not a fixed level', async () => {
    // Background at RMS ≈ 0.06 (-25 dBFS): louder than the absolute floor, yet not speech.
    const audio = await audioOf([
      { noise: 0.1, seconds: 2 },
      { tone: 440, seconds: 1, amplitude: 0.5 },
      { noise: 0.1, seconds: 2 },
    ]);
    const { speech, thresholdDb } = detectSpeech(audio);
    expect(thresholdDb).toBeGreaterThan(-25);
    expectRanges(seconds(speech), [[1.8, 3.2]]);
  });

  it('bridges short pauses and drops clicks', async () => {
    const audio = await audioOf([
      { tone: 300, seconds: 1 },
      { silence: true, seconds: 0.3 },
      { tone: 300, seconds: 1 },
      { silence: true, seconds: 2 },
      { tone: 900, seconds: 0.06, amplitude: 0.9 },
      { silence: true, seconds: 2 },
    ]);
    expectRanges(seconds(detectSpeech(audio).speech), [[0, 2.5]]);
  });

  it('finds no speech in silence or in quiet hiss', async () => {
    expect(detectSpeech(await audioOf([{ silence: true, seconds: 2 }])).speech).toEqual([]);
    expect(detectSpeech(await audioOf([{ noise: 0.002, seconds: 2 }])).speech).toEqual([]);
  });

  it('takes a recording that is sound throughout as all speech', async () => {
    expectRanges(seconds(detectSpeech(await audioOf([{ tone: 300, seconds: 3 }])).speech), [[0, 3]]);
  });
});

describe('chunks for the transcription model', () => {
  it('skips long silences and keeps real timestamps', async () => {
    const audio = await audioOf([
      { silence: true, seconds: 5 },
      { tone: 220, seconds: 2 },
      { silence: true, seconds: 1 },
      { tone: 330, seconds: 2 },
      { silence: true, seconds: 10 },
      { tone: 440, seconds: 3 },
    ]);
    const { chunks, speechSeconds } = speechChunks(audio, { maxChunkSeconds: 300 });
    // The 1 s pause stays inside the first chunk; the 10 s silence is never sent.
    expectRanges(
      chunks.map((c) => [c.startSeconds, c.startSeconds + c.durationSeconds]),
      [
        [4.8, 10.2],
        [19.8, 23],
      ],
    );
    expect(Math.abs(speechSeconds - (5.4 + 3.2))).toBeLessThan(0.1);
  });

  it('cuts a long stretch at a pause near the limit rather than in the middle of a word', async () => {
    // Speech of 7 s with a 0.3 s pause (bridged, so one stretch) at 3.7-4.0 s; the limit is 4 s.
    const audio = await audioOf([
      { tone: 300, seconds: 3.7 },
      { silence: true, seconds: 0.3 },
      { tone: 400, seconds: 3 },
    ]);
    const { chunks } = speechChunks(audio, { maxChunkSeconds: 4 });
    expect(chunks).toHaveLength(2);
    const cut = chunks[1].startSeconds;
    expect(cut).toBeGreaterThanOrEqual(3.7);
    expect(cut).toBeLessThanOrEqual(4);
    expect(chunks[0].durationSeconds + chunks[1].durationSeconds).toBeCloseTo(7, 5);
  });

  it('cuts continuous sound with no pause at exactly the limit', async () => {
    const { chunks } = speechChunks(await audioOf([{ tone: 300, seconds: 5 }]), { maxChunkSeconds: 2 });
    expect(chunks.map((c) => [c.startSeconds, c.durationSeconds])).toEqual([
      [0, 2],
      [2, 2],
      [4, 1],
    ]);
  });

  it('gives no chunks for a silent recording', async () => {
    expect(speechChunks(await audioOf([{ silence: true, seconds: 3 }]), { maxChunkSeconds: 300 }).chunks).toEqual([]);
  });
});
