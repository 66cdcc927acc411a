// futex(uaddr, op, val, timeout/val2, uaddr2, val3) and get_robust_list (Linux:
// kernel/futex/syscalls.c, waitwake.c, requeue.c); the futex hash is in kernel/futex.ts.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_CMP_REQUEUE, FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE, FUTEX_WAIT,
  FUTEX_WAIT_BITSET, FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, futexKey, wakeOp,
} from "../kernel/futex.js";
import { readTimespec } from "./time.js";
import { findTask } from "../kernel/pidns.js";
import { refuse } from "../base/errno.js";
import { Block } from "../kernel/block.js";

export const sysFutex: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  const opFull = iarg(r, 1);
  const val = iarg(r, 2);
  const tmo = uarg(r, 3);
  const val2 = iarg(r, 3);
  const addr2 = uarg(r, 4);
  const val3 = iarg(r, 5);
  const op = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const priv = (opFull & FUTEX_PRIVATE_FLAG) !== 0;
  const realtime = (opFull & FUTEX_CLOCK_REALTIME) !== 0;
  const mm = t.mm!;

  // only FUTEX_WAIT_BITSET takes FUTEX_CLOCK_REALTIME
  if (realtime && op !== FUTEX_WAIT_BITSET) return -E.ENOSYS;
  switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const bitset = op === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bitset === 0) return -E.EINVAL;
      const key = futexKey(mm, addr, priv);
      if (typeof key === "number") return key;
      let deadline = -1n;
      // FUTEX_CLOCK_REALTIME: the absolute timeout is on CLOCK_REALTIME, which clock_settime moves
      let real: bigint | null = null;
      if (tmo !== 0) {
        const ns = readTimespec(t, tmo);
        if (ns < 0n) return Number(ns);
        // FUTEX_WAIT takes a relative timeout; FUTEX_WAIT_BITSET an absolute one on its clock
        // (Linux: futex_init_timeout)
        if (op === FUTEX_WAIT) deadline = deadlineAfter(k.clock.now, ns);
        else if (realtime) {
          real = ns;
          deadline = ns - k.clock.realOffset();
        } else deadline = ns;
        // an absolute deadline already past (or before boot) has expired
        if (deadline <= k.clock.now) deadline = k.clock.now;
      }
      const expired = (): boolean => (real !== null ? k.clock.realtime() >= real : deadline >= 0n && k.clock.now >= deadline);
      const cur = mm.readU32(addr);
      if (cur === null) return -E.EFAULT;
      if ((cur | 0) !== val) return -E.EAGAIN;
      if (expired()) return -E.ETIMEDOUT;
      const w = { task: t, key, bitset, woken: false, timed: deadline >= 0n };
      k.futex.enqueue(w);
      // woken, timed out, or still waiting; a timed wait is not restarted after a handler
      // (Linux: ERESTART_RESTARTBLOCK), an untimed one is
      const waiting: Block = new Block(() => {
        if (w.woken) return 0;
        if (expired()) {
          k.futex.remove(w);
          return -E.ETIMEDOUT;
        }
        k.sched.sleep(t, deadline, real);
        return waiting;
      }, () => k.futex.remove(w), w.timed ? "nohand" : null);
      k.sched.sleep(t, deadline, real);
      return waiting;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
      if (bitset === 0) return -E.EINVAL;
      const key = futexKey(mm, addr, priv);
      if (typeof key === "number") return key;
      // waking 0 (or fewer) still wakes one (Linux: the loop checks after the first wake)
      return k.futex.wake(k, key, val <= 0 ? 1 : val, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      if (val < 0 || val2 < 0) return -E.EINVAL;
      const key = futexKey(mm, addr, priv);
      if (typeof key === "number") return key;
      const key2 = futexKey(mm, addr2, priv);
      if (typeof key2 === "number") return key2;
      if (op === FUTEX_CMP_REQUEUE) {
        const cur = mm.readU32(addr);
        if (cur === null) return -E.EFAULT;
        if ((cur | 0) !== val3) return -E.EAGAIN;
      }
      return k.futex.requeue(k, key, key2, val, val2);
    }
    case FUTEX_WAKE_OP: {
      const key = futexKey(mm, addr, priv);
      if (typeof key === "number") return key;
      const key2 = futexKey(mm, addr2, priv);
      if (typeof key2 === "number") return key2;
      const old = mm.readU32(addr2);
      if (old === null) return -E.EFAULT;
      const res = wakeOp(val3, old | 0);
      if (res === null) return -E.ENOSYS;
      if (!mm.writeU32(addr2, res[0])) return -E.EFAULT;
      // an unknown comparison is noticed after the operation changed memory (Linux: futex_atomic_op_inuser)
      if (res[1] === null) return -E.ENOSYS;
      let n = k.futex.wake(k, key, val);
      if (res[1]) n += k.futex.wake(k, key2, val2);
      return n;
    }
    default:
      return refuse(E.ENOSYS, "PI futexes and FUTEX_FD are not implemented");
  }
};

/** get_robust_list(pid, head_ptr, len_ptr) */
export const sysGetRobustList: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const target = pid === 0 ? t : findTask(t, pid);
  if (!target) return -E.ESRCH;
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, target.robustList % 4294967296, true);
  dv.setUint32(4, Math.floor(target.robustList / 4294967296), true);
  if (!t.mm!.write(uarg(r, 1), b)) return -E.EFAULT;
  const l = new Uint8Array(8);
  new DataView(l.buffer).setUint32(0, 24, true);
  return t.mm!.write(uarg(r, 2), l) ? 0 : -E.EFAULT;
};
