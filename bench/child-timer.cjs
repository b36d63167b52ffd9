/**
 * A bench-only preload (`node --require bench/child-timer.cjs ...`): appends one JSON line per child
 * process the run started (its argv, start and end in ms) to NETCHANGE_BENCH_CHILD_LOG, so a figure
 * can subtract the time a tool spent in its own children from the run's wall time.
 */
const { appendFileSync } = require('node:fs');
const { ChildProcess } = require('node:child_process');

const log = process.env.NETCHANGE_BENCH_CHILD_LOG;
const spawn = ChildProcess.prototype.spawn;
if (log) {
  ChildProcess.prototype.spawn = function timedSpawn(options) {
    const started = performance.now();
    const result = spawn.call(this, options);
    this.once('exit', () => {
      const entry = { args: options.args, startMs: started, endMs: performance.now() };
      appendFileSync(log, `${JSON.stringify(entry)}\n`);
    });
    return result;
  };
}
