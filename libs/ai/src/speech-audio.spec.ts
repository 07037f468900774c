import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioRejectedError, decodeSpeechAudio, encodeWav, parseWav, SPEECH_SAMPLE_RATE, speechChunks, speechWav } from './index';
import { rms, syntheticWav } from './testing/synthetic-audio';

/** Sign changes per second in [start, end): twice the frequency of a pure tone. */
function zeroCrossingsPerSecond(samples: Int16Array, start: number, end: number): number {
  let crossings = 0;
  for (let i = start + 1; i < end; i++) if (samples[i - 1] < 0 !== samples[i] < 0) crossings++;
  return crossings / ((end - start) / SPEECH_SAMPLE_RATE);
}
const fixture = (name: string) => readFileSync(join(__dirname, 'testing', 'audio', name));
const decode = (file: Buffer, maxSeconds = 3600) => decodeSpeechAudio(file, { maxSeconds });

describe('recordings decoded to 16 kHz mono for transcription', () => {
  const sounds = [{ tone: 1000, seconds: 1, amplitude: 0.5 }];

  it.each([
    ['8-bit', { bits: 8 as const }],
    ['16-bit', { bits: 16 as const }],
    ['24-bit', { bits: 24 as const }],
    ['32-bit integer', { bits: 32 as const }],
    ['32-bit float', { bits: 32 as const, float: true }],
  ])('reads %s PCM at 16 kHz with its level and pitch', async (_name, variant) => {
    const audio = await decode(syntheticWav(sounds, variant));
    expect(audio.source).toBe('WAV');
    expect(audio.samples.length).toBe(16000);
    // A sine of amplitude 0.5 has an RMS of 0.5/√2; 8-bit quantisation costs a little.
    expect(rms(audio.samples)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(zeroCrossingsPerSecond(audio.samples, 0, 16000)).toBeCloseTo(2000, -1);
  });

  it.each([8000, 22050, 44100, 48000])('resamples %i Hz to 16 kHz keeping the pitch and the duration', async (rate) => {
    const audio = await decode(syntheticWav(sounds, { sampleRate: rate }));
    expect(audio.samples.length).toBeGreaterThanOrEqual(15999);
    expect(audio.samples.length).toBeLessThanOrEqual(16001);
    expect(audio.durationSeconds).toBeCloseTo(1, 3);
    expect(Math.abs(zeroCrossingsPerSecond(audio.samples, 100, 15900) - 2000)).toBeLessThan(20);
    expect(rms(audio.samples, 100, 15900)).toBeCloseTo(0.5 / Math.SQRT2, 1);
  });

  it('mixes stereo to mono (a channel and its negative cancel; equal channels keep their level)', async () => {
    const same = await decode(syntheticWav(sounds, { channels: 2 }));
    expect(rms(same.samples)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    const opposed = await decode(syntheticWav(sounds, { channels: 2, rightInverted: true }));
    expect(rms(opposed.samples)).toBeLessThan(0.001);
  });

  it('passes 16 kHz mono 16-bit through unchanged, byte for byte', async () => {
    const wav = syntheticWav([{ noise: 0.4, seconds: 0.5 }]);
    const audio = await decode(wav);
    expect(speechWav(audio).equals(wav)).toBe(true);
    expect(parseWav(speechWav(audio, 800, 1600)).durationSeconds).toBe(0.05);
  });

  it('decodes Ogg Opus and MP3 (tone, silence, tone) into the same shape', async () => {
    for (const [name, source] of [
      ['tone-pause-tone.ogg', 'Ogg Opus'],
      ['tone-pause-tone.mp3', 'MP3'],
    ] as const) {
      const audio = await decode(fixture(name));
      expect(audio.source).toBe(source);
      // Encoders add a little padding (Opus pre-skip is trimmed, LAME adds a frame or so).
      expect(audio.durationSeconds).toBeGreaterThan(2.95);
      expect(audio.durationSeconds).toBeLessThan(3.1);
      const second = (s: number) => [Math.round((s + 0.2) * 16000), Math.round((s + 0.8) * 16000)] as const;
      // Amplitude 10000/32768 ≈ 0.305, so an RMS of ≈ 0.216 in the tones; the middle second is silent.
      expect(rms(audio.samples, ...second(0))).toBeCloseTo(0.216, 1);
      expect(rms(audio.samples, ...second(1))).toBeLessThan(0.01);
      expect(rms(audio.samples, ...second(2))).toBeCloseTo(0.216, 1);
      expect(Math.abs(zeroCrossingsPerSecond(audio.samples, ...second(0)) - 880)).toBeLessThan(15);
      expect(Math.abs(zeroCrossingsPerSecond(audio.samples, ...second(2)) - 1320)).toBeLessThan(15);
    }
  });

  it("decodes a browser's WebM Opus recording (Chromium's MediaRecorder: tone, 3 s of silence, tone)", async () => {
    const audio = await decode(fixture('tone-long-pause-tone.webm'));
    expect(audio.source).toBe('WebM Opus');
    expect(audio.durationSeconds).toBeGreaterThan(5);
    expect(audio.durationSeconds).toBeLessThan(6.5);
    const at = (from: number, to: number) => [Math.round(from * 16000), Math.round(to * 16000)] as const;
    // Gain 0.4 of a full-scale sine: an RMS of ≈ 0.28 in the tones, nothing in the pause.
    expect(rms(audio.samples, ...at(0.3, 0.7))).toBeCloseTo(0.28, 1);
    expect(rms(audio.samples, ...at(1.5, 3.5))).toBeLessThan(0.01);
    expect(rms(audio.samples, ...at(4.3, 4.7))).toBeCloseTo(0.28, 1);
    expect(Math.abs(zeroCrossingsPerSecond(audio.samples, ...at(0.3, 0.7)) - 880)).toBeLessThan(15);
    // The pause is long enough to be skipped: two stretches of speech are sent, not one.
    expect(speechChunks(audio, { maxChunkSeconds: 300, skipSilenceSeconds: 2 }).chunks).toHaveLength(2);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /empty/],
    ['a WebM file cut off in its header', fixture('tone-long-pause-tone.webm').subarray(0, 60), /WebM/],
    ['text', Buffer.from('this is not a recording at all'), /not a recording/],
    ['WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]), /WebM/],
    ['M4A', Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from('ftypM4A '), Buffer.alloc(8)]), /M4A/],
    ['FLAC', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(40)]), /FLAC/],
    ['Ogg Vorbis', Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('\u0001vorbis'), Buffer.alloc(30)]), /Opus/],
    [
      'a damaged Ogg Opus file',
      Buffer.concat([fixture('tone-pause-tone.ogg').subarray(0, 80), Buffer.alloc(4000, 0x5a)]),
      /no sound|damaged/,
    ],
    ['MP3 frames of garbage', Buffer.concat([Buffer.from('ID3'), Buffer.alloc(4000, 0x00)]), /no sound|damaged/],
    [
      'a WAV without samples',
      encodeWav({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, blockAlign: 2 }, Buffer.alloc(0)),
      /no sound/,
    ],
    [
      '64-bit integer WAV',
      encodeWav({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 64, blockAlign: 8 }, Buffer.alloc(800)),
      /64-bit integer/,
    ],
  ])('refuses %s with the reason', async (_name, file, reason) => {
    const error = await decode(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioRejectedError);
    expect((error as Error).message).toMatch(reason);
  });

  it('stops a recording longer than allowed, whatever its format', async () => {
    await expect(decode(syntheticWav([{ tone: 300, seconds: 61 }], { sampleRate: 8000 }), 60)).rejects.toThrow(/longer than 1 minutes/);
    await expect(decode(fixture('tone-pause-tone.ogg'), 2 / 60)).rejects.toThrow(AudioRejectedError);
  });
});
