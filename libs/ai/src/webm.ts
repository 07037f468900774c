import { AudioRejectedError } from './errors';

/** A WebM (Matroska) file's Opus track: its OpusHead and its frames in order. */
export interface WebmOpus {
  channels: number;
  preSkip: number;
  frames: Uint8Array[];
}

// EBML element ids (Matroska): the containers walked into, and the elements read.
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const BLOCK_GROUP = 0xa0;
const TRACK_NUMBER = 0xd7;
const CODEC_ID = 0x86;
const CODEC_PRIVATE = 0x63a2;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;
const CONTAINERS = new Set([SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP]);

/** A variable-length integer at `at`: its value (null when all ones: unknown size) and length. */
function vint(file: Uint8Array, at: number, keepMarker: boolean): { value: number | null; length: number } {
  const first = file[at];
  if (first === undefined || first === 0) throw new AudioRejectedError('The WebM file is damaged: a length could not be read');
  const length = Math.clz32(first) - 23;
  if (at + length > file.length) throw new AudioRejectedError('The WebM file is cut short');
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + file[at + i];
    allOnes &&= file[at + i] === 0xff;
  }
  return { value: !keepMarker && allOnes ? null : value, length };
}

/**
 * The Opus track of a WebM file (what browsers record with MediaRecorder): the EBML elements are
 * walked, the containers (Segment, Cluster, Tracks, BlockGroup) entered, whatever their size
 * (a live recording leaves Segment and Cluster of unknown size), and the frames of the Opus
 * track's SimpleBlocks and Blocks taken in order. Laced blocks (several frames in one block) and
 * other codecs are refused with the reason.
 */
export function demuxWebmOpus(file: Uint8Array): WebmOpus {
  let opusTrack: number | undefined;
  let head: Uint8Array | undefined;
  let trackNumber: number | undefined;
  let codec: string | undefined;
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    const id = vint(file, at, true);
    const size = vint(file, at + id.length, false);
    const start = at + id.length + size.length;
    if (CONTAINERS.has(id.value as number)) {
      if (id.value === TRACK_ENTRY) [trackNumber, codec] = [undefined, undefined];
      at = start;
      continue;
    }
    if (size.value === null) throw new AudioRejectedError('The WebM file is damaged: an element of unknown size');
    const end = start + size.value;
    if (end > file.length) break; // a recording cut off mid-element: what came before is kept
    const body = file.subarray(start, end);
    if (id.value === TRACK_NUMBER) trackNumber = body.reduce((n, b) => n * 256 + b, 0);
    else if (id.value === CODEC_ID) codec = new TextDecoder().decode(body);
    else if (id.value === CODEC_PRIVATE) head = body;
    if ((id.value === TRACK_NUMBER || id.value === CODEC_ID) && codec === 'A_OPUS' && trackNumber !== undefined) opusTrack = trackNumber;
    if ((id.value === SIMPLE_BLOCK || id.value === BLOCK) && opusTrack !== undefined) {
      const track = vint(body, 0, false);
      if (track.value === opusTrack) {
        const flags = body[track.length + 2];
        if ((flags & 0x06) !== 0)
          throw new AudioRejectedError('This WebM file packs several frames in a block (lacing), which cannot be read yet');
        frames.push(body.subarray(track.length + 3));
      }
    }
    at = end;
  }
  if (opusTrack === undefined) throw new AudioRejectedError('The WebM file has no Opus audio (only Opus in WebM can be transcribed)');
  if (!head || head.length < 19 || new TextDecoder().decode(head.subarray(0, 8)) !== 'OpusHead')
    throw new AudioRejectedError('The WebM file is damaged: its Opus track has no OpusHead');
  if (frames.length === 0) throw new AudioRejectedError('The recording is empty');
  return { channels: head[9], preSkip: head[10] | (head[11] << 8), frames };
}
