// Netlink message layout (linux/netlink.h): a 16-byte nlmsghdr, a fixed family header, then
// attributes (struct nlattr: u16 length, u16 type, payload), everything aligned to 4 bytes.
import { bytestr, strbytes } from "../base/bytestr.js";

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_MIN_TYPE = 0x10;
export const NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200,
  NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH, NLM_F_CAPPED = 0x100;
export const NLA_F_NESTED = 0x8000;

export const align4 = (n: number): number => (n + 3) & ~3;

export interface NlHeader {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

export function parseHeader(b: Uint8Array, o: number): NlHeader {
  const dv = new DataView(b.buffer, b.byteOffset);
  return { len: dv.getUint32(o, true), type: dv.getUint16(o + 4, true), flags: dv.getUint16(o + 6, true), seq: dv.getUint32(o + 8, true), pid: dv.getUint32(o + 12, true) };
}

/** the attributes in b[from, to) as type (without the flag bits) -> payload; the first wins */
export function parseAttrs(b: Uint8Array, from: number, to: number): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const dv = new DataView(b.buffer, b.byteOffset);
  for (let o = from; o + 4 <= to; ) {
    const len = dv.getUint16(o, true);
    if (len < 4 || o + len > to) break;
    const type = dv.getUint16(o + 2, true) & 0x3fff;
    if (!out.has(type)) out.set(type, b.subarray(o + 4, o + len));
    o += align4(len);
  }
  return out;
}

/** builds one message: header fields, the family header, attributes (nested ones too) */
export class NlMsg {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  private len = NLMSG_HDRLEN;
  private nests: number[] = [];

  constructor(private readonly h: Omit<NlHeader, "len">) {}

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf);
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  /** raw bytes (the family header), padded to 4 */
  bytes(b: Uint8Array): this {
    this.room(align4(b.length));
    this.buf.set(b, this.len);
    this.len += align4(b.length);
    return this;
  }

  attr(type: number, payload: Uint8Array): this {
    this.room(4 + align4(payload.length));
    this.dv.setUint16(this.len, 4 + payload.length, true);
    this.dv.setUint16(this.len + 2, type, true);
    this.buf.set(payload, this.len + 4);
    this.len += 4 + align4(payload.length);
    return this;
  }

  u8(type: number, v: number): this {
    return this.attr(type, new Uint8Array([v]));
  }
  u16(type: number, v: number): this {
    return this.attr(type, new Uint8Array([v & 0xff, (v >>> 8) & 0xff]));
  }
  u32(type: number, v: number): this {
    return this.attr(type, le32(v));
  }
  str(type: number, s: string): this {
    const e = strbytes(s);
    const b = new Uint8Array(e.length + 1);
    b.set(e);
    return this.attr(type, b);
  }

  /** open a nested attribute; older ones (IFLA_XDP) go without NLA_F_NESTED (nla_nest_start_noflag) */
  nest(type: number, flagged = true): this {
    this.room(4);
    this.nests.push(this.len);
    this.dv.setUint16(this.len + 2, flagged ? type | NLA_F_NESTED : type, true);
    this.len += 4;
    return this;
  }
  end(): this {
    const at = this.nests.pop()!;
    this.dv.setUint16(at, this.len - at, true);
    return this;
  }

  done(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.len, true);
    dv.setUint16(4, this.h.type, true);
    dv.setUint16(6, this.h.flags, true);
    dv.setUint32(8, this.h.seq, true);
    dv.setUint32(12, this.h.pid, true);
    return out;
  }
}

export function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** an NLMSG_ERROR answer to the request `req` (Linux: netlink_ack): an error carries the whole
 *  request unless NETLINK_CAP_ACK, an acknowledgement (error 0) only its header */
export function ackMessage(req: Uint8Array, error: number, portid: number, capAck: boolean): Uint8Array {
  const h = parseHeader(req, 0);
  const whole = error !== 0 && !capAck;
  const body = new Uint8Array(4 + (whole ? Math.min(h.len, req.length) : NLMSG_HDRLEN));
  new DataView(body.buffer).setInt32(0, error, true);
  body.set(req.subarray(0, body.length - 4), 4);
  return new NlMsg({ type: NLMSG_ERROR, flags: whole ? 0 : NLM_F_CAPPED, seq: h.seq, pid: portid }).bytes(body).done();
}

/** the end of a dump: NLMSG_DONE with the dump's result (0) */
export function doneMessage(seq: number, portid: number): Uint8Array {
  return new NlMsg({ type: NLMSG_DONE, flags: NLM_F_MULTI, seq, pid: portid }).bytes(le32(0)).done();
}
