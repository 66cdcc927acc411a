// The page's first script (boot.js, loaded before app.js): starts the kernel's worker on the
// first run and the image's download while the page's own script (xterm.js and the panes)
// loads, and keeps what the worker says until main.ts listens.

import { EarlyBoot, bootWhenReady, fetchRootfs, initialRun } from "./start.js";

const { config, program, fromUrl } = initialRun(location.hash);
const worker = new Worker("worker.js");
const queued: unknown[] = [];
worker.onmessage = (e) => queued.push(e.data);
const rootfs = fetchRootfs();
bootWhenReady(worker, config, program, rootfs, false, () => true);
const early: EarlyBoot = { worker, queued, config, program, fromUrl, rootfs };
(self as { forkscopeBoot?: EarlyBoot }).forkscopeBoot = early;
