// Preloaded into the benchmarked connector process (node --require bench/stats-preload.cjs dist/main.js ...):
// at exit, appends {pid, maxRssKb (VmHWM), cpuUserMs, cpuSystemMs, uptimeMs} as JSON to $BENCH_STATS_FILE.
// Reads only the process's own counters; adds no work while the process runs.
'use strict';
const fs = require('node:fs');
const file = process.env.BENCH_STATS_FILE;
if (file) {
  process.on('exit', () => {
    let hwmKb = null;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (m) hwmKb = Number(m[1]);
    } catch {}
    const ru = process.resourceUsage();
    fs.appendFileSync(
      file,
      JSON.stringify({ pid: process.pid, vmHwmKb: hwmKb, maxRssKb: ru.maxRSS, cpuUserMs: ru.userCPUTime / 1000, cpuSystemMs: ru.systemCPUTime / 1000, uptimeMs: process.uptime() * 1000 }) + '\n',
    );
  });
}
