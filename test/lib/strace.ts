// Normalising strace -f output (native x86_64) and forkscope's --trace (riscv64) so that they can
// be compared line by line; docs/trace.md lists every rule and why it is needed.
//
// 1. strace's own messages ("strace: Process N attached") are removed, also from inside a line.
// 2. Lines are split by task ("[pid N] " or, when only one task is traced, the only one alive),
//    and "X <unfinished ...>" + "<... name resumed>Y" pairs are joined into "XY": the order in
//    which tasks interleave depends on the host's scheduler, each task's own sequence does not.
// 3. Tasks are named P0 (the program), P1, P2... in the order their creating clone returned,
//    and their pids are replaced where a pid appears (pid results, kill/wait4/tgkill arguments,
//    si_pid, parent_tid, futex values).
// 4. Alignment spaces before "= " are collapsed, addresses (hex of 5+ digits) become 0xADDR.
// 5. Architecture differences: x86_64's arch_prctl, rseq (forkscope: ENOSYS) and riscv_hwprobe
//    lines go; readlink becomes readlinkat(AT_FDCWD, ...) and the program's path EXE; clone3
//    (x86_64 glibc) and clone (riscv64 glibc 2.36) both become clone(flags=..., parent_tid=[P]);
//    SA_RESTORER and sa_restorer (x86_64 only) go; the stack length in a thread's madvise
//    (TLS size) becomes N; the console and /dev/null stat as the same character device;
//    getrandom's random bytes become "RANDOM".
// 6. The first execve (strace starts the program; forkscope loads it without a syscall) goes,
//    futex lines go (whether pthread_join waits depends on timing), and forkscope's refusal
//    reasons (" [...]" after an error) go.

export type Traces = Map<string, string[]>;

/** the normalised trace: task label -> its lines */
export function normalise(text: string): Traces {
  text = text.replace(/strace: Process \d+ (attached|detached)\n/g, "");
  const raw = text.split("\n").filter((l) => l !== "");
  const seqs = new Map<number, string[]>();
  const pending = new Map<number, string>();
  const live: number[] = [];
  let mainPid = -1;
  const children = new Map<number, number[]>();
  const owner = (l: string): [number, string] => {
    const m = /^\[pid +(\d+)\] (.*)$/.exec(l);
    if (m) return [Number(m[1]), m[2]];
    return [live.length === 1 ? live[0] : mainPid, l];
  };
  for (const line of raw) {
    let [pid, body] = owner(line);
    if (pid === -1) {
      // before the program's pid is known: set_tid_address returns it
      const m = /^set_tid_address\(.*\) += (\d+)$/.exec(body);
      pid = -2;
      if (m) {
        pid = mainPid = Number(m[1]);
        seqs.set(pid, seqs.get(-2) ?? []);
        seqs.delete(-2);
        live.push(pid);
      }
    }
    if (pid >= 0 && !live.includes(pid)) {
      live.push(pid);
      if (mainPid < 0) mainPid = pid;
    }
    const un = / <unfinished \.\.\.>$/.exec(body);
    if (un) {
      pending.set(pid, body.slice(0, un.index));
      continue;
    }
    const re = /^<\.\.\. [a-z0-9_]+ resumed>(.*)$/.exec(body);
    if (re) {
      body = (pending.get(pid) ?? "") + re[1];
      pending.delete(pid);
    }
    if (!seqs.has(pid)) seqs.set(pid, []);
    seqs.get(pid)!.push(body);
    const cl = /^clone3?\(.*\) += (\d+)$/.exec(body);
    if (cl) {
      const c = Number(cl[1]);
      children.set(pid, [...(children.get(pid) ?? []), c]);
    }
    if (body.startsWith("+++ ")) live.splice(live.indexOf(pid), 1);
  }
  // labels in breadth-first order of creation
  const label = new Map<number, string>();
  const queue = [mainPid];
  while (queue.length) {
    const p = queue.shift()!;
    label.set(p, `P${label.size}`);
    queue.push(...(children.get(p) ?? []));
  }
  const out: Traces = new Map();
  for (const [pid, lines] of seqs) {
    const name = label.get(pid) ?? `?${pid}`;
    out.set(name, lines.map((l) => rewrite(l, label)).filter((l): l is string => l !== null));
  }
  return out;
}

const PID_RESULT = /^(clone3?|fork|vfork|getpid|gettid|getppid|set_tid_address|wait4|waitid|rt_sigreturn)\(/;

function rewrite(line: string, label: Map<number, string>): string | null {
  const pid = (n: string) => label.get(Number(n)) ?? n;
  if (/^(arch_prctl|rseq|riscv_hwprobe|futex)\(/.test(line)) return null;
  if (/^execve\(/.test(line) && / = 0$/.test(line)) return null;
  let l = line;
  l = l.replace(/\) +(= .*)$/, ") $1");
  l = l.replace(/ \[[^\]]*\]$/, (m) => (/= -1 /.test(l) ? "" : m));
  if (PID_RESULT.test(l)) l = l.replace(/= (\d+)$/, (_m, n) => `= ${pid(n)}`);
  l = l.replace(/^(kill|tkill|wait4)\((-?\d+)/, (_m, f, n) => `${f}(${pid(n)}`);
  l = l.replace(/^tgkill\((\d+), (\d+)/, (_m, a, b) => `tgkill(${pid(a)}, ${pid(b)}`);
  l = l.replace(/si_pid=(\d+)/g, (_m, n) => `si_pid=${pid(n)}`);
  l = l.replace(/parent_tid=\[(\d+)\]/g, (_m, n) => `parent_tid=[${pid(n)}]`);
  // architecture differences
  l = l.replace(/^readlink\("/, 'readlinkat(AT_FDCWD, "');
  l = l.replace(/^(readlinkat\(AT_FDCWD, "\/proc\/self\/exe", )"[^"]*", (\d+)\) = \d+$/, '$1"EXE", $2) = N');
  l = l.replace(/^getrandom\("[^"]*"/, 'getrandom("RANDOM"');
  l = l.replace(/SA_RESTORER\|/g, "").replace(/, sa_restorer=0x[0-9a-f]+/g, "");
  l = l.replace(/\{st_mode=S_IFCHR\|0\d+, st_rdev=makedev\([^)]*\), \.\.\.\}/g, "{st_mode=S_IFCHR|MODE, st_rdev=DEV, ...}");
  const c3 = /^clone3\(\{flags=([^,}]*)(?:, [^}]*)?, exit_signal=([^,}]*)[^}]*\}(?: => \{parent_tid=\[([^\]]*)\]\})?, \d+\) = (.*)$/.exec(l);
  if (c3) {
    const sig = c3[2] === "0" ? "" : `|${c3[2]}`;
    l = `clone(flags=${c3[1]}${sig}${c3[3] ? `, parent_tid=[${c3[3]}]` : ""}) = ${c3[4]}`;
  }
  const c2 = /^clone\(child_stack=[^,]*, flags=([^,)]*)(?:, parent_tid=\[([^\]]*)\])?[^)]*\) = (.*)$/.exec(l);
  if (c2) l = `clone(flags=${c2[1]}${c2[2] ? `, parent_tid=[${c2[2]}]` : ""}) = ${c2[3]}`;
  l = l.replace(/0x[0-9a-f]{5,}/g, "0xADDR");
  l = l.replace(/^madvise\(0xADDR, \d+, MADV_DONTNEED\)/, "madvise(0xADDR, N, MADV_DONTNEED)");
  return l;
}
