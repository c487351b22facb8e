/**
 * Work that waits for a pause, by key: each call pushes the key's deadline back and keeps only the
 * newest argument. The timer is not cleared and set again on every call (a burst of edits made that
 * a cost of its own): when it fires early it sleeps for the time left.
 */
export class Debouncer<T> {
  private readonly pending = new Map<string, { value: T; due: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: string, value: T) => void,
  ) {}

  /** Runs `run(key, value)` once no call for `key` came for the delay; an earlier value is dropped. */
  schedule(key: string, value: T): void {
    const due = Date.now() + this.delayMs;
    const entry = this.pending.get(key);
    if (entry) {
      entry.value = value;
      entry.due = due;
      return;
    }
    this.pending.set(key, { value, due, timer: setTimeout(() => this.fire(key), this.delayMs) });
  }

  /** Drops what waits for `key`; returns whether something did. */
  cancel(key: string): boolean {
    const entry = this.pending.get(key);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.pending.delete(key);
    return true;
  }

  private fire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    const left = entry.due - Date.now();
    if (left > 0) {
      entry.timer = setTimeout(() => this.fire(key), left);
      return;
    }
    this.pending.delete(key);
    this.run(key, entry.value);
  }
}
