import { PassThrough, Readable } from 'node:stream';
import { readLimited, RecordingTooLargeError } from './call-recording.controller';

const pieces = (...sizes: number[]) => Readable.from(sizes.map((n, i) => Buffer.alloc(n, i + 1)));

describe('reading a recording upload up to its limit', () => {
  it('fills one buffer of the declared size, in order', async () => {
    const body = await readLimited(pieces(3, 2), 10, 5);
    expect([...body]).toEqual([1, 1, 1, 2, 2]);
    expect(body.length).toBe(5);
  });

  it('joins a chunked body (no Content-Length) once', async () => {
    expect([...(await readLimited(pieces(1, 2), 10))]).toEqual([1, 2, 2]);
  });

  it('refuses a declared size over the limit without reading, and a stream once it passes the limit', async () => {
    let read = false;
    const untouched = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    await expect(readLimited(untouched, 10, 11)).rejects.toBeInstanceOf(RecordingTooLargeError);
    expect(read).toBe(false);
    await expect(readLimited(pieces(6, 6), 10)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('refuses a body longer than its Content-Length, and one broken off midway', async () => {
    await expect(readLimited(pieces(3, 3), 10, 4)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const broken = new PassThrough();
    const reading = readLimited(broken, 10);
    broken.write(Buffer.alloc(2));
    broken.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/broken off/) });
  });
});
