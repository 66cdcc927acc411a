// Wait queues (Linux: include/linux/wait.h): a sleeping task registers on the queues it waits
// for and is made runnable (its blocked syscall resumed) when any of them is woken.

export interface Sleeper {
  wake(): void;
}

export class WaitQueue {
  private sleepers = new Set<Sleeper>();

  add(s: Sleeper): void {
    this.sleepers.add(s);
  }

  remove(s: Sleeper): void {
    this.sleepers.delete(s);
  }

  get size(): number {
    return this.sleepers.size;
  }

  wakeAll(): void {
    if (this.sleepers.size === 0) return;
    const all = [...this.sleepers];
    this.sleepers.clear();
    for (const s of all) s.wake();
  }
}
