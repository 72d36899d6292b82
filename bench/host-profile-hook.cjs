/**
 * Preloaded (`NODE_OPTIONS=--require …`) by bench:file-transfer-browser's `--profile`: in the
 * file-drop host program only, a CPU profile from the in-process inspector, written to
 * `$LANRTC_HOST_PROFILE_DIR/host-<pid>.cpuprofile` when the process exits (Node refuses
 * `--cpu-prof` in NODE_OPTIONS, and the harness starts the host with its own flags).
 */
const dir = process.env.LANRTC_HOST_PROFILE_DIR;
if (dir && process.argv.some((a) => a.replaceAll('\\', '/').includes('file-drop/src/host/main.ts'))) {
  const inspector = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // An in-process session answers synchronously, so this runs before the process is gone.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `host-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
