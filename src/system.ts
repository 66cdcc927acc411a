// The composition root: a Kernel with Linux's syscall table. This is the one file that joins
// kernel/ and syscalls/, so that neither imports the other in a circle.

import { Kernel as KernelCore, KernelOptions } from "./kernel/kernel.js";
import { SYSCALLS } from "./syscalls/table.js";
import { syscallEntry } from "./syscalls/dispatch.js";

const LINUX = syscallEntry(SYSCALLS);

/** the kernel that embedders, the CLI and the tests create: new Kernel(options) */
export class Kernel extends KernelCore {
  constructor(options: KernelOptions = {}) {
    super(options, LINUX);
  }
}
