// The playground's programs: the image's shell and the repository's own guest programs
// (guest/src, conformance/src), each loaded only when it is run.

export interface Program {
  id: string;
  title: string;
  /** file under programs/ (gzip-compressed), or null for a program of the image */
  file: string | null;
  /** where the program lives in the guest */
  path: string;
  /** argv[0] */
  name: string;
  /** default arguments (after argv[0]) */
  args: string[];
  about: string;
}

const CLONE = "cloneexplore";

export const PROGRAMS: Program[] = [
  {
    id: "sh", title: "BusyBox shell", file: null, path: "/bin/sh", name: "sh", args: ["-i"],
    about: "The image's shell (BusyBox ash). Every command you type makes it fork and exec: watch the tree and the syscalls. Try: echo hi | tr a-z A-Z",
  },
  {
    id: "hello", title: "hello", file: "hello", path: "/usr/local/bin/hello", name: "hello", args: [],
    about: "guest/src/hello.c: a static glibc program that prints one line: 15 syscalls, all but one of them glibc starting up and exiting.",
  },
  {
    id: "forkcow", title: "fork and copy-on-write", file: "forkcow", path: "/usr/local/bin/forkcow", name: "forkcow", args: [],
    about: "guest/src/forkcow.c: fork, then parent and child write the same pages; each write to a shared page is a copy-on-write break (the tree's COW column, the memory pane).",
  },
  {
    id: "clone-fork", title: "clone explorer: fork (SIGCHLD)", file: CLONE, path: "/usr/local/bin/cloneexplore", name: "cloneexplore", args: ["SIGCHLD"],
    about: "guest/src/cloneexplore.c with flags SIGCHLD alone: fork(). The child gets copies of everything; edit the flags and run again.",
  },
  {
    id: "clone-thread", title: "clone explorer: a thread", file: CLONE, path: "/usr/local/bin/cloneexplore", name: "cloneexplore",
    args: ["CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM"],
    about: "The flags pthread_create uses: the child shares the address space, files, fs info, handlers and the thread group.",
  },
  {
    id: "clone-vfork", title: "clone explorer: vfork", file: CLONE, path: "/usr/local/bin/cloneexplore", name: "cloneexplore", args: ["CLONE_VM|CLONE_VFORK|SIGCHLD"],
    about: "vfork: the child borrows the parent's memory and the parent sleeps until the child exits or execs.",
  },
  {
    id: "clone-invalid", title: "clone explorer: an invalid combination", file: CLONE, path: "/usr/local/bin/cloneexplore", name: "cloneexplore", args: ["CLONE_SIGHAND"],
    about: "Sharing handlers without sharing memory makes no sense: clone fails with EINVAL. The syscall pane shows the rule that rejected it.",
  },
  {
    id: "clone-ns", title: "clone explorer: new namespaces", file: CLONE, path: "/usr/local/bin/cloneexplore", name: "cloneexplore", args: ["CLONE_NEWPID|CLONE_NEWUTS|CLONE_NEWNS|SIGCHLD"],
    about: "A child in new pid, UTS and mount namespaces: it is pid 1 inside; the tree shows both of its pids.",
  },
  {
    id: "vfork", title: "vfork (conformance test)", file: "conform", path: "/usr/local/bin/conform", name: "conform", args: ["vfork_basic"],
    about: "conformance/src/vfork.c: vfork shares the parent's memory until _exit; the parent is suspended meanwhile.",
  },
  {
    id: "pthreads", title: "pthreads (conformance test)", file: "conform", path: "/usr/local/bin/conform", name: "conform", args: ["thr_mutex_contention"],
    about: "conformance/src/threads.c: 8 threads share one address space and contend for a mutex (futex syscalls).",
  },
  {
    id: "pidns", title: "pid namespaces (conformance test)", file: "conform", path: "/usr/local/bin/conform", name: "conform", args: ["ns_pid_init_ids"],
    about: "conformance/src/namespaces.c: clone(CLONE_NEWPID) makes the child pid 1 of a new namespace, its children 2 and 3.",
  },
];

export function programById(id: string): Program | undefined {
  return PROGRAMS.find((p) => p.id === id);
}
