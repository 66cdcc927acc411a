// forkscope's own version (kept equal to package.json's by test/cli.test.ts) and the Linux release
// its kernel reports through uname(2) and /proc/sys/kernel/osrelease.
export const VERSION = "0.1.0";
export const KERNEL_RELEASE = "6.12.0-forkscope";
