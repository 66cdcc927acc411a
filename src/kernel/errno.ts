// Moved to base/errno.ts; this re-export keeps files written before base/ existed compiling
// (src/host/hostfs.ts, branches in flight). New code imports ../base/errno.js.
export * from "../base/errno.js";
