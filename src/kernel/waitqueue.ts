// Moved to base/waitqueue.ts; this re-export keeps files written before base/ existed compiling
// (src/host/hostfs.ts, branches in flight). New code imports ../base/waitqueue.js.
export * from "../base/waitqueue.js";
