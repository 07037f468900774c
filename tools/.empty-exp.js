const m = process.memoryUsage();
console.log(JSON.stringify({ rss: m.rss >> 20, heap: m.heapUsed >> 20 }));
