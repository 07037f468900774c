import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { postJson } from './adapters/http-json';
import { PermanentAdapterError, TransientAdapterError } from './index';

// A real HTTP server on a free port: what the national parties' endpoints answer, and how each
// answer is classified (transient faults are retried, permanent ones end the letter).
describe('postJson (the HTTP client of the national parties)', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Array<{ path: string; body: unknown; type?: string; connection?: string }> = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
        seen.push({ path: request.url!, body, type: request.headers['content-type'], connection: request.headers.connection });
        const send = (status: number, text: string) => response.writeHead(status, { 'content-type': 'application/json' }).end(text);
        switch (request.url) {
          case '/echo':
            return send(200, JSON.stringify({ got: body }));
          case '/busy':
            return send(503, '{}');
          case '/throttled':
            return send(429, '{}');
          case '/refused':
            return send(422, JSON.stringify({ code: 'UNKNOWN_RECIPIENT' }));
          case '/garbled':
            return send(200, '<html>');
          case '/huge': {
            response.writeHead(200, { 'content-type': 'application/json' });
            const chunk = Buffer.alloc(1024 * 1024, 0x20);
            for (let i = 0; i < 9; i++) response.write(chunk);
            return response.end('{}');
          }
          case '/slow':
            return void setTimeout(() => send(200, '{}'), 500);
          default:
            return send(404, '{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body as JSON on a kept-alive connection and returns the parsed answer', async () => {
    await expect(postJson({ baseUrl }, '/echo', { ids: ['a', 'b'], ö: 'å' }, 'Party')).resolves.toEqual({
      got: { ids: ['a', 'b'], ö: 'å' },
    });
    expect(seen.at(-1)).toMatchObject({ path: '/echo', type: 'application/json', connection: 'keep-alive' });
  });

  it("counts 5xx and 429 as transient, other refusals as permanent with the party's code", async () => {
    await expect(postJson({ baseUrl }, '/busy', {}, 'Mailbox operator')).rejects.toThrow(
      new TransientAdapterError('Mailbox operator answered 503'),
    );
    await expect(postJson({ baseUrl }, '/throttled', {}, 'Mailbox operator')).rejects.toBeInstanceOf(TransientAdapterError);
    await expect(postJson({ baseUrl }, '/refused', {}, 'Mailbox operator')).rejects.toThrow(
      new PermanentAdapterError('Mailbox operator refused the request (422 UNKNOWN_RECIPIENT)'),
    );
    await expect(postJson({ baseUrl }, '/garbled', {}, 'Mailbox operator')).rejects.toThrow(
      new PermanentAdapterError('Mailbox operator answered 200 with a body that is not JSON'),
    );
  });

  it('refuses an answer larger than 8 MB instead of holding it', async () => {
    await expect(postJson({ baseUrl }, '/huge', {}, 'Population register')).rejects.toBeInstanceOf(PermanentAdapterError);
  });

  it('counts a timeout and an unreachable party as transient', async () => {
    await expect(postJson({ baseUrl, timeoutMs: 100 }, '/slow', {}, 'Reachability service')).rejects.toThrow(
      new TransientAdapterError('Reachability service unreachable: timed out'),
    );
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(postJson({ baseUrl: `http://127.0.0.1:${port}` }, '/echo', {}, 'Reachability service')).rejects.toThrow(
      /^Reachability service unreachable: .*ECONNREFUSED/,
    );
  });

  it('sends a request again on a new connection when the party had closed the kept-alive one it went out on', async () => {
    // A party closes an idle kept-alive connection (Node's servers after 5 s); a client whose event
    // loop was busy has not yet seen it closed and writes the next request on it. Here the close and
    // the next request come in the same tick, as they do on a loaded machine.
    const sockets: Array<import('node:net').Socket> = [];
    const onConnection = (socket: import('node:net').Socket) => sockets.push(socket);
    server.on('connection', onConnection);
    try {
      await postJson({ baseUrl }, '/echo', { n: 1 }, 'Population register');
      const before = seen.length;
      for (const socket of sockets) socket.destroy();
      await expect(postJson({ baseUrl }, '/echo', { n: 2 }, 'Population register')).resolves.toEqual({ got: { n: 2 } });
      expect(seen.slice(before).map((s) => s.body)).toEqual([{ n: 2 }]);
    } finally {
      server.off('connection', onConnection);
    }
  });

  it('refuses an address that is not http or https', async () => {
    await expect(postJson({ baseUrl: 'ftp://example.invalid' }, '/x', {}, 'Party')).rejects.toBeInstanceOf(PermanentAdapterError);
  });
});
