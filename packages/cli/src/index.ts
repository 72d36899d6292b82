/** @lanrtc/cli — the `lanrtc` command line. Explicit named exports only. */
export {};
