// The filesystem types mount(2) can create (Linux: fs/filesystems.c's registered types, shown in
// /proc/filesystems); syscalls/mount.ts makes each of them.

export const FILESYSTEMS = ["sysfs", "tmpfs", "proc", "cgroup2"] as const;
export type FsType = (typeof FILESYSTEMS)[number];
