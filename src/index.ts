// forkscope's embedding API: a Linux process-creation kernel and an RV64GC CPU in TypeScript.
export { Kernel } from "./system.js";
export { LoadError } from "./kernel/kernel.js";
export type { KernelOptions, KernelEvent, RunResult } from "./kernel/kernel.js";
export { renderTree, renderHistory } from "./kernel/tree.js";
export type { TreeTask } from "./kernel/tree.js";
export { SYSCALLS } from "./syscalls/table.js";
export { Node, TmpDir, TmpFile } from "./fs/node.js";
export { DEFAULT_ENV } from "./defaults.js";
