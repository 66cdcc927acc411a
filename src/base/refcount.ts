// Objects that tasks share (Linux: the get/put pairs of mm_struct, files_struct, fs_struct,
// sighand_struct, io_context, sem_undo_list, nsproxy): a new holder takes a reference with get(),
// a leaving one drops it with put(), and the last put() runs the object's release().

export abstract class Shared<Holder = void> {
  private refs = 1;

  /** how many holders share the object (1: only the caller) */
  get users(): number {
    return this.refs;
  }

  /** one more holder (fork with the sharing flag) */
  get(): this {
    this.refs++;
    return this;
  }

  /** a holder lets go (exit, unshare, exec); the last one releases the object */
  put(holder: Holder): void {
    if (--this.refs === 0) this.release(holder);
  }

  /** what the last put() does (free memory, close files, apply semaphore undos) */
  protected release(_holder: Holder): void {}
}
