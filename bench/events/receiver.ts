// A local webhook receiver in its own process, so its work does not share the measuring process's
// event loop: answers every POST 204 once the body is read, and counts them. The parent asks for
// the count with the message 'count' and is told { count }.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

let count = 0;
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    count++;
    response.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'count') process.send?.({ count });
  if (message === 'reset') count = 0;
});
process.on('disconnect', () => server.close(() => process.exit(0)));
