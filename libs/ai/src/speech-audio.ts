import { AudioRejectedError } from './errors';
import { encodeWav, parseWav, WavAudio } from './wav';
import { demuxWebmOpus } from './webm';

/** The form transcription models are fed (Whisper and KB-Whisper work at 16 kHz mono). */
export const SPEECH_SAMPLE_RATE = 16000;

/** A recording decoded to 16 kHz mono 16-bit samples, whatever it came as. */
export interface SpeechAudio {
  /** The container and codec it came in, for the audit trail and errors. */
  source: 'WAV' | 'Ogg Opus' | 'MP3' | 'WebM Opus';
  samples: Int16Array;
  durationSeconds: number;
}

/** A canonical 16 kHz mono 16-bit PCM WAV file of the samples [start, end). */
export function speechWav(audio: SpeechAudio, start = 0, end = audio.samples.length): Buffer {
  const view = audio.samples.subarray(start, end);
  return encodeWav(
    { format: 1, channels: 1, sampleRate: SPEECH_SAMPLE_RATE, bitsPerSample: 16, blockAlign: 2 },
    Buffer.from(view.buffer, view.byteOffset, view.byteLength),
  );
}

/**
 * Resamples a stream of mono blocks to 16 kHz. Downsampling averages the input samples each output
 * sample covers (a box filter, enough against aliasing for speech recognition); upsampling
 * interpolates linearly. Input left over at a block's end waits for the next, so block boundaries
 * leave no trace; at 16 kHz in, samples pass through unchanged.
 */
class MonoResampler {
  private pending = new Float32Array(0);
  private position = 0;
  private readonly step: number;

  constructor(inputRate: number) {
    this.step = inputRate / SPEECH_SAMPLE_RATE;
  }

  push(block: Float32Array, emit: (sample: number) => void, final = false): void {
    const input = this.pending.length === 0 ? block : concatFloat(this.pending, block);
    const { step } = this;
    for (;;) {
      const first = Math.floor(this.position);
      const end = step > 1 ? Math.floor(this.position + step) : first + 2;
      if (end > input.length && !(final && first < input.length)) break;
      if (step > 1) {
        let sum = 0;
        const last = Math.min(end, input.length);
        for (let i = first; i < last; i++) sum += input[i];
        emit(sum / Math.max(1, last - first));
      } else {
        const fraction = this.position - first;
        const next = first + 1 < input.length ? input[first + 1] : input[first];
        emit(input[first] * (1 - fraction) + next * fraction);
      }
      this.position += step;
    }
    const consumed = Math.min(Math.floor(this.position), input.length);
    this.pending = input.slice(consumed);
    this.position -= consumed;
  }
}

function concatFloat(a: Float32Array, b: Float32Array): Float32Array {
  const joined = new Float32Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Collects decoded blocks (any rate, any number of channels) as 16 kHz mono 16-bit samples, and
 * stops a recording longer than allowed as soon as it gets there rather than after decoding it all.
 */
export class SpeechAudioBuilder {
  private samples = new Int16Array(SPEECH_SAMPLE_RATE * 60);
  private length = 0;
  private resampler?: MonoResampler;
  private inputRate = 0;

  constructor(
    private readonly source: SpeechAudio['source'],
    private readonly maxSeconds: number,
  ) {}

  push(channels: readonly Float32Array[], sampleRate: number, frames = channels[0]?.length ?? 0): void {
    if (frames === 0) return;
    if (!this.resampler) {
      this.resampler = new MonoResampler(sampleRate);
      this.inputRate = sampleRate;
    } else if (sampleRate !== this.inputRate) {
      throw new AudioRejectedError(`The ${this.source} recording changes its sample rate midway`);
    }
    this.resampler.push(mixToMono(channels, frames), (s) => this.append(s));
  }

  finish(): SpeechAudio {
    this.resampler?.push(new Float32Array(0), (s) => this.append(s), true);
    if (this.length === 0) throw new AudioRejectedError('The recording has no sound (no samples)');
    return { source: this.source, samples: this.samples.slice(0, this.length), durationSeconds: this.length / SPEECH_SAMPLE_RATE };
  }

  private append(sample: number): void {
    // One sample of slack for the resampler's rounding at the very end.
    if (this.length > this.maxSeconds * SPEECH_SAMPLE_RATE)
      throw new AudioRejectedError(`The recording is longer than ${Math.round((this.maxSeconds / 60) * 100) / 100} minutes`);
    if (this.length === this.samples.length) {
      const grown = new Int16Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.length++] = Math.max(-32768, Math.min(32767, Math.round(sample * 32768)));
  }
}

function mixToMono(channels: readonly Float32Array[], frames: number): Float32Array {
  if (channels.length === 1) return channels[0].subarray(0, frames);
  const mono = new Float32Array(frames);
  for (const channel of channels) for (let i = 0; i < frames; i++) mono[i] += channel[i];
  for (let i = 0; i < frames; i++) mono[i] /= channels.length;
  return mono;
}

/** How to read one sample of a WAV's data as a float in [-1, 1), by format and bytes per sample. */
function wavSampleReader(audio: WavAudio): (data: Buffer, offset: number) => number {
  const bytes = audio.blockAlign / audio.channels;
  if (audio.format === 1) {
    // Integer PCM is left-aligned in its container: read the whole container, scale by its size.
    if (bytes === 1) return (d, o) => (d[o] - 128) / 128;
    if (bytes === 2) return (d, o) => d.readInt16LE(o) / 32768;
    if (bytes === 3) return (d, o) => d.readIntLE(o, 3) / 8388608;
    if (bytes === 4) return (d, o) => d.readInt32LE(o) / 2147483648;
  }
  if (audio.format === 3) {
    if (bytes === 4) return (d, o) => d.readFloatLE(o);
    if (bytes === 8) return (d, o) => d.readDoubleLE(o);
  }
  throw new AudioRejectedError(`WAV with ${audio.bitsPerSample}-bit ${audio.format === 3 ? 'float' : 'integer'} samples cannot be read`);
}

function decodeWav(file: Buffer, maxSeconds: number): SpeechAudio {
  const audio = parseWav(file);
  if (!Number.isInteger(audio.blockAlign / audio.channels)) throw new AudioRejectedError('The WAV file has an inconsistent block size');
  const read = wavSampleReader(audio);
  const builder = new SpeechAudioBuilder('WAV', maxSeconds);
  const bytes = audio.blockAlign / audio.channels;
  const totalFrames = audio.data.length / audio.blockAlign;
  // A second at a time: the float copy never holds more than one block of the recording.
  const blockFrames = audio.sampleRate;
  const channels = Array.from({ length: audio.channels }, () => new Float32Array(blockFrames));
  for (let frame = 0; frame < totalFrames; frame += blockFrames) {
    const frames = Math.min(blockFrames, totalFrames - frame);
    for (let f = 0; f < frames; f++) {
      const at = (frame + f) * audio.blockAlign;
      for (let c = 0; c < audio.channels; c++) channels[c][f] = read(audio.data, at + c * bytes);
    }
    builder.push(channels, audio.sampleRate, frames);
  }
  return builder.finish();
}

/** What a decoder of the wasm-audio-decoders family gives per call. */
interface DecodedBlock {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: Array<{ message: string }>;
}

/** Feeds a compressed file to a streaming decoder in pieces, so the decoded form is never held at full rate. */
async function decodeStreaming(
  source: SpeechAudio['source'],
  file: Buffer,
  maxSeconds: number,
  // ogg-opus-decoder's decode answers a promise (its types say otherwise), mpg123-decoder's a value.
  decoder: {
    ready: Promise<void>;
    decode(data: Uint8Array): DecodedBlock | Promise<DecodedBlock>;
    flush?(): Promise<DecodedBlock>;
    free(): void;
  },
): Promise<SpeechAudio> {
  const builder = new SpeechAudioBuilder(source, maxSeconds);
  let errors = 0;
  const take = (block: DecodedBlock) => {
    errors += block.errors?.length ?? 0;
    builder.push(block.channelData, block.sampleRate, block.samplesDecoded);
  };
  await decoder.ready;
  try {
    const piece = 256 * 1024;
    for (let at = 0; at < file.length; at += piece)
      take(await decoder.decode(new Uint8Array(file.buffer, file.byteOffset + at, Math.min(piece, file.length - at))));
    if (decoder.flush) take(await decoder.flush());
  } finally {
    decoder.free();
  }
  return finishDecoded(builder, source, errors);
}

/**
 * A browser's recording (WebM with Opus): the frames taken out of the container, decoded a batch
 * at a time so the decoded form is never held at full rate.
 */
async function decodeWebmOpus(file: Buffer, maxSeconds: number): Promise<SpeechAudio> {
  const { channels, preSkip, frames } = demuxWebmOpus(file);
  const { OpusDecoder } = await import('opus-decoder');
  const decoder = new OpusDecoder({ channels, preSkip, streamCount: 1, coupledStreamCount: channels > 1 ? 1 : 0 });
  const builder = new SpeechAudioBuilder('WebM Opus', maxSeconds);
  let errors = 0;
  await decoder.ready;
  try {
    for (let at = 0; at < frames.length; at += 250) {
      const block = decoder.decodeFrames(frames.slice(at, at + 250));
      errors += block.errors.length;
      builder.push(block.channelData, block.sampleRate, block.samplesDecoded);
    }
  } finally {
    decoder.free();
  }
  return finishDecoded(builder, 'WebM Opus', errors);
}

/** The decoded audio; a recording without sound whose decoder reported errors is refused as damaged, not as silent. */
function finishDecoded(builder: SpeechAudioBuilder, source: SpeechAudio['source'], decodeErrors: number): SpeechAudio {
  try {
    return builder.finish();
  } catch (error) {
    if (error instanceof AudioRejectedError && decodeErrors > 0)
      throw new AudioRejectedError(`The ${source} recording is damaged: no sound could be decoded`);
    throw error;
  }
}

/** Recognised by their first bytes; the ones without a decoder are refused with the reason. */
const isWebm = (b: Buffer) => b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3;
const isOgg = (b: Buffer) => b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'OggS';
const isMp3 = (b: Buffer) => b.length >= 3 && (b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && (b[1] & 0xe6) === 0xe2));
const UNSUPPORTED: Array<[string, (b: Buffer) => boolean, string]> = [
  [
    'MP4/M4A',
    (b) => b.length >= 8 && b.subarray(4, 8).toString('latin1') === 'ftyp',
    'M4A/MP4 (AAC) recordings cannot be transcribed yet: upload WAV, Ogg Opus, WebM Opus or MP3',
  ],
  [
    'FLAC',
    (b) => b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'fLaC',
    'FLAC recordings cannot be transcribed yet: upload WAV, Ogg Opus, WebM Opus or MP3',
  ],
];

/**
 * Decodes a recording (WAV in any PCM or float variant, Ogg Opus, MP3) to 16 kHz mono 16-bit
 * samples; anything else, empty, damaged or longer than `maxSeconds` is refused with the reason.
 */
export async function decodeSpeechAudio(file: Buffer, options: { maxSeconds: number }): Promise<SpeechAudio> {
  if (file.length === 0) throw new AudioRejectedError('The recording is empty');
  if (isOgg(file)) {
    // The first page of an Ogg Opus stream carries the OpusHead packet right after its 27+1-byte header.
    if (!file.subarray(0, 64).includes('OpusHead'))
      throw new AudioRejectedError('Only Opus in Ogg can be transcribed (this Ogg file holds another codec, e.g. Vorbis)');
    const { OggOpusDecoder } = await import('ogg-opus-decoder');
    return decodeStreaming('Ogg Opus', file, options.maxSeconds, new OggOpusDecoder());
  }
  if (isWebm(file)) return decodeWebmOpus(file, options.maxSeconds);
  if (isMp3(file)) {
    const { MPEGDecoder } = await import('mpg123-decoder');
    return decodeStreaming('MP3', file, options.maxSeconds, new MPEGDecoder());
  }
  const other = UNSUPPORTED.find(([, test]) => test(file));
  if (other) throw new AudioRejectedError(other[2]);
  if (file.length < 12 || file.subarray(0, 4).toString('latin1') !== 'RIFF')
    throw new AudioRejectedError('The file is not a recording this platform can read: upload WAV, Ogg Opus, WebM Opus or MP3');
  return decodeWav(file, options.maxSeconds);
}
