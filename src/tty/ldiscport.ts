// What the N_TTY line discipline (ldisc.ts) needs from its tty and driver, and the outcome of
// one step of a read or write (Linux: the tty_struct and tty_operations n_tty.c calls).

import type { Termios } from "./termbits.js";

/** what the line discipline needs from its tty (tty_struct and its driver) */
export interface LdiscPort {
  readonly termios: Termios;
  /** tty->ops->write: bytes the driver took */
  driverWrite(src: Uint8Array, off: number, len: number): number;
  /** tty_write_room */
  writeRoom(): number;
  /** tty_driver_flush_buffer */
  driverFlush(): void;
  /** __isig: signal the tty's foreground process group */
  signalForeground(sig: number): void;
  /** tty->flow.stopped / tco_stopped and stop_tty/start_tty */
  flowStopped(): boolean;
  flowTcoStopped(): boolean;
  stopTty(): void;
  startTty(): void;
  /** n_tty_packet_mode_flush: tell a packet-mode pty master that input was flushed */
  packetModeFlush(): void;
  /** packet mode of this tty, and the status bytes its peer set for it (tty->link->ctrl.pktstatus) */
  packet(): boolean;
  peerPktStatus(): number;
  takePeerPktStatus(): number;
  wakeReaders(): void;
  wakeWriters(): void;
  /** a read consumed input: the driver may push more (n_tty_kick_worker, n_tty_check_unthrottle) */
  readRoom(): void;
}

/** the outcome of one step of a read or write */
export const BLOCK = "block" as const;
export interface Blocked {
  readonly kind: typeof BLOCK;
  /** monotonic ns at which the step must be retried even if nothing woke it (VTIME), or null */
  readonly deadline: number | null;
}
export type Step = number | Blocked;

/** per-call flags of the file the read or write goes through */
export interface IoFlags {
  nonblock: boolean;
  /** tty_hung_up_p(file) */
  hungUp: boolean;
  /** TTY_OTHER_CLOSED on this tty (the other side of a pty closed) */
  otherClosed: boolean;
  /** TTY_HUPPING */
  hupping: boolean;
}
