require('reflect-metadata');
require(process.argv[2]);
global.gc && global.gc();
const m = process.memoryUsage();
console.log(
  JSON.stringify({
    rss: m.rss >> 20,
    heapTotal: m.heapTotal >> 20,
    heapUsed: m.heapUsed >> 20,
    external: m.external >> 20,
    ab: m.arrayBuffers >> 20,
  }),
);
