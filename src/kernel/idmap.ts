// /proc/PID/uid_map, gid_map and setgroups (Linux: kernel/user_namespace.c proc_*_map_write,
// uid_m_show, proc_setgroups_write), seen from and written by the calling task.

import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import { Extent, UserNamespace, fromKernel, nsCapable, parseMap, toKernel } from "../cred/userns.js";
import { CAP_SETGID, CAP_SETUID, CAP_SYS_ADMIN } from "../cred/capability.js";

type Which = "uid_map" | "gid_map" | "setgroups";

export function readIdMap(reader: Task, ns: UserNamespace, which: Which): string {
  if (which === "setgroups") return ns.setgroupsAllowed ? "allow\n" : "deny\n";
  const map = which === "uid_map" ? ns.uidMap : ns.gidMap;
  if (!map) return "";
  // lower ids are shown in the reader's namespace, or the parent's when reading one's own
  const lowerNs = reader.cred.userns === ns && ns.parent ? ns.parent : reader.cred.userns;
  const lowerMap = which === "uid_map" ? lowerNs.uidMap : lowerNs.gidMap;
  return map
    .map((e) => {
      const lower = fromKernel(lowerMap, e.lower);
      return `${String(e.first).padStart(10)} ${String(lower < 0 ? 4294967295 : lower).padStart(10)} ${String(e.count).padStart(10)}\n`;
    })
    .join("");
}

export function writeIdMap(_k: Kernel, writer: Task, ns: UserNamespace, which: Which, text: string): number {
  if (which === "setgroups") {
    const v = text.trim();
    if (v !== "allow" && v !== "deny") return -E.EINVAL;
    if (v === "allow" && !ns.setgroupsAllowed) return -E.EPERM;
    if (ns.gidMap !== null && ns.parent !== null) return -E.EPERM;
    if (!nsCapable(writer.cred, ns, CAP_SYS_ADMIN)) return -E.EPERM;
    ns.setgroupsAllowed = v === "allow";
    return 0;
  }
  if (ns.parent === null) return -E.EPERM;
  const isUid = which === "uid_map";
  if ((isUid ? ns.uidMap : ns.gidMap) !== null) return -E.EPERM;
  // the writer must be in the namespace or its parent, with CAP_SETUID/CAP_SETGID over it
  if (writer.cred.userns !== ns && writer.cred.userns !== ns.parent) return -E.EPERM;
  const cap = isUid ? CAP_SETUID : CAP_SETGID;
  if (!nsCapable(writer.cred, ns, cap)) return -E.EPERM;
  // lower ids are ids of the parent namespace (Linux: map_id_range_down(parent_map, ...))
  const parentMap = isUid ? ns.parent.uidMap : ns.parent.gidMap;
  const extents = parseMap(text, (id) => toKernel(parentMap, id));
  if (extents === null) return -E.EINVAL;
  if (!permitted(writer, ns, isUid, extents)) return -E.EPERM;
  if (isUid) ns.uidMap = extents;
  else ns.gidMap = extents;
  return 0;
}

/** Linux new_idmap_permitted: privilege over the parent namespace allows any mapping; otherwise
 *  only the namespace owner mapping its own id, once (and for gid_map only after setgroups=deny) */
function permitted(writer: Task, ns: UserNamespace, isUid: boolean, ext: Extent[]): boolean {
  if (ext.length === 1 && ext[0].count === 1) {
    const id = ext[0].lower;
    if (isUid && id === ns.ownerUid && writer.cred.euid === ns.ownerUid) return true;
    if (!isUid && id === ns.ownerGid && !ns.setgroupsAllowed && writer.cred.egid === ns.ownerGid) return true;
  }
  return nsCapable(writer.cred, ns.parent!, isUid ? CAP_SETUID : CAP_SETGID) && writer.cred.userns === ns.parent;
}
