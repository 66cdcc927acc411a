// Inode numbers of namespaces as /proc/PID/ns/* shows them (Linux: fs/nsfs.c ns_alloc_inum,
// include/linux/proc_ns.h): equal exactly when the namespace is the same.

/** inode numbers of the initial namespaces (Linux: PROC_*_INIT_INO); later ones are allocated */
export const INIT_INO = { ipc: 4026531839, uts: 4026531838, user: 4026531837, pid: 4026531836, cgroup: 4026531835, time: 4026531834 };

let nextIno = 4026531840;

/** the next inode number for a namespace made after boot */
export function allocNsIno(): number {
  return nextIno++;
}
