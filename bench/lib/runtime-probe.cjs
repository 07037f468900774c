// Preloaded into the bench's api process (node -r, bench/lib/platform.ts startApi): what stands
// between a request and its answer inside the process, per measured window. On SIGUSR2 it writes
// one line, `runtime-probe {json}`, to stdout with the figures since the last such line, and
// starts a new window. Plain JavaScript: the api runs from dist/ without a TypeScript loader.
// Cheap enough to leave on: a 10 ms event-loop delay histogram, a callback per collection, V8's
// own GC profiler (heap sizes before and after each collection).
'use strict';
const { monitorEventLoopDelay, performance, PerformanceObserver, constants } = require('node:perf_hooks');
const v8 = require('node:v8');

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'young',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'full',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

const RESOLUTION_MS = 10;
let delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
let pauses = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses.push({ kind: KINDS[entry.detail?.kind ?? entry.kind] ?? 'other', ms: entry.duration });
});
observer.observe({ entryTypes: ['gc'] });
let profiler = new v8.GCProfiler();
profiler.start();
let usedAtStart = v8.getHeapStatistics().used_heap_size;
let utilisation = performance.eventLoopUtilization();
let startedAt = Date.now();

const round = (value, digits = 2) => +value.toFixed(digits);
const late = (intervalNs) => round(Math.max(0, intervalNs / 1e6 - RESOLUTION_MS));

/** Bytes allocated in the window: each collection's heap before it, less the heap after the one before (or at the start). */
function allocatedBytes(statistics, usedNow) {
  let previous = usedAtStart;
  let total = 0;
  for (const gc of statistics) {
    total += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - previous);
    previous = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return total + Math.max(0, usedNow - previous);
}

process.on('SIGUSR2', () => {
  const statistics = profiler.stop()?.statistics ?? [];
  const heap = v8.getHeapStatistics();
  const elu = performance.eventLoopUtilization(utilisation);
  const byKind = {};
  for (const pause of pauses) {
    const kind = (byKind[pause.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    kind.count++;
    kind.totalMs += pause.ms;
    kind.maxMs = Math.max(kind.maxMs, pause.ms);
  }
  for (const kind of Object.values(byKind)) {
    kind.totalMs = round(kind.totalMs);
    kind.maxMs = round(kind.maxMs);
  }
  const window = {
    seconds: round((Date.now() - startedAt) / 1000),
    allocatedMb: round(allocatedBytes(statistics, heap.used_heap_size) / 1048576, 1),
    gc: byKind,
    gcPauseTotalMs: round(pauses.reduce((sum, p) => sum + p.ms, 0)),
    gcPauseMaxMs: round(pauses.reduce((max, p) => Math.max(max, p.ms), 0)),
    // The histogram holds the timer's whole interval: its lateness is that less the resolution.
    eventLoopDelayMs: {
      p50: late(delay.percentile(50)),
      p99: late(delay.percentile(99)),
      max: late(delay.max),
    },
    eventLoopUtilisation: round(elu.utilization, 3),
    heapUsedMb: round(heap.used_heap_size / 1048576, 1),
  };
  process.stdout.write(`runtime-probe ${JSON.stringify(window)}\n`);
  pauses = [];
  delay.disable();
  delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  profiler = new v8.GCProfiler();
  profiler.start();
  usedAtStart = heap.used_heap_size;
  utilisation = performance.eventLoopUtilization();
  startedAt = Date.now();
});
