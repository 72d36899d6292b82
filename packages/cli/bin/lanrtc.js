#!/usr/bin/env node
// The `lanrtc` executable as npm/pnpm link it: a committed file (so installing a fresh clone links it
// without warnings) that runs the compiled CLI in ../dist, built by `pnpm build`.
const entry = new URL('../dist/main.js', import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write('lanrtc: not built yet: run `pnpm build` in the repository root first\n');
  process.exit(1);
}
