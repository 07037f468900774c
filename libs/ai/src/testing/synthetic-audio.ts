import { encodeWav } from '../wav';

/** A stretch of synthetic sound: a sine tone, white noise, or silence, at an amplitude in [0, 1]. */
export type Sound = { seconds: number } & ({ tone: number; amplitude?: number } | { noise: number } | { silence: true });

/** Deterministic white noise (a linear congruential generator), so tests are repeatable. */
function noiseSource(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

/** The sounds one after another as floats in [-1, 1] at `sampleRate`. */
export function synthesise(sounds: readonly Sound[], sampleRate: number): Float64Array {
  const total = sounds.reduce((n, s) => n + Math.round(s.seconds * sampleRate), 0);
  const out = new Float64Array(total);
  const noise = noiseSource();
  let at = 0;
  for (const sound of sounds) {
    const n = Math.round(sound.seconds * sampleRate);
    for (let i = 0; i < n; i++) {
      if ('tone' in sound) out[at + i] = (sound.amplitude ?? 0.3) * Math.sin((2 * Math.PI * sound.tone * i) / sampleRate);
      else if ('noise' in sound) out[at + i] = sound.noise * noise();
    }
    at += n;
  }
  return out;
}

/**
 * A WAV file of the sounds in the given variant: integer PCM of 8, 16, 24 or 32 bits, or 32-bit
 * float; every channel the same signal, except that `rightInverted` makes the right channel its
 * negative (so a correct mix to mono is silence).
 */
export function syntheticWav(
  sounds: readonly Sound[],
  variant: { sampleRate?: number; bits?: 8 | 16 | 24 | 32; float?: boolean; channels?: number; rightInverted?: boolean } = {},
): Buffer {
  const { sampleRate = 16000, bits = 16, float = false, channels = 1 } = variant;
  const signal = synthesise(sounds, sampleRate);
  const bytes = bits / 8;
  const data = Buffer.alloc(signal.length * bytes * channels);
  signal.forEach((value, i) => {
    for (let c = 0; c < channels; c++) {
      const v = c === 1 && variant.rightInverted ? -value : value;
      const at = (i * channels + c) * bytes;
      if (float) data.writeFloatLE(v, at);
      else if (bits === 8) data[at] = Math.max(0, Math.min(255, Math.round(v * 127 + 128)));
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }
  });
  return encodeWav({ format: float ? 3 : 1, channels, sampleRate, bitsPerSample: bits, blockAlign: bytes * channels }, data);
}

/** Root mean square of 16-bit samples in [start, end), as a fraction of full scale. */
export function rms(samples: Int16Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += (samples[i] / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, end - start));
}
