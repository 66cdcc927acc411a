// Credentials (Linux: include/linux/cred.h, kernel/cred.c): who a task acts as. A Creds object
// never changes: a change builds a new one (prepare_creds plus edits: with()) and installs it
// (commit_creds), so that tasks can share one safely, as fork does.

import { INIT_USER_NS, UserNamespace } from "./userns.js";
import { CAP_FULL } from "./capability.js";

export interface CredFields {
  /** real, effective, saved and filesystem user and group ids (kernel ids) */
  readonly uid: number;
  readonly gid: number;
  readonly euid: number;
  readonly egid: number;
  readonly suid: number;
  readonly sgid: number;
  readonly fsuid: number;
  readonly fsgid: number;
  /** supplementary groups */
  readonly groups: readonly number[];
  /** the user namespace the credentials belong to, where the capabilities count */
  readonly userns: UserNamespace;
  /** effective, permitted, inheritable, bounding and ambient capability sets */
  readonly capEff: bigint;
  readonly capPrm: bigint;
  readonly capInh: bigint;
  readonly capBnd: bigint;
  readonly capAmb: bigint;
}

// the fields are those of CredFields (declaration merging), copied in by the constructor
export interface Creds extends CredFields {}
export class Creds {
  constructor(f: CredFields) {
    Object.assign(this, f);
  }

  /** new credentials that differ in `changes` (Linux: prepare_creds, then edit the copy) */
  with(changes: Partial<CredFields>): Creds {
    return new Creds({ ...this, ...changes });
  }
}

/** a holder of credentials: a task (Linux: current->cred, and the dumpable flag commit_creds clears) */
export interface CredHolder {
  cred: Creds;
  dumpable: boolean;
}

/** install new credentials (Linux: commit_creds): a changed effective or filesystem id makes
 *  the task non-dumpable, so /proc/PID then belongs to root */
export function commitCreds(t: CredHolder, next: Creds): void {
  const old = t.cred;
  if (next.euid !== old.euid || next.egid !== old.egid || next.fsuid !== old.fsuid || next.fsgid !== old.fsgid) t.dumpable = false;
  t.cred = next;
}

/** the credentials of init and the first program (Linux: init_cred): root with every capability */
export const INIT_CRED = new Creds({
  uid: 0, gid: 0, euid: 0, egid: 0, suid: 0, sgid: 0, fsuid: 0, fsgid: 0, groups: [], userns: INIT_USER_NS,
  capEff: CAP_FULL, capPrm: CAP_FULL, capInh: 0n, capBnd: CAP_FULL, capAmb: 0n,
});

/** credentials in a new user namespace owned by c's effective ids, with every capability there
 *  (Linux: create_user_ns, set_cred_user_ns) */
export function credsInNewUserns(c: Creds, sigpendingMax: number): Creds {
  const ns = new UserNamespace(c.userns, c.euid, c.egid);
  ns.sigpendingMax = sigpendingMax;
  return c.with({ userns: ns, capEff: CAP_FULL, capPrm: CAP_FULL, capBnd: CAP_FULL, capInh: 0n, capAmb: 0n });
}
