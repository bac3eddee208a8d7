// The RoadChain Durable Object's mining turns: one short in-memory lease at a time, handed out in
// arrival order, so that concurrent miners do not all burn CPU on the same height (roadchain.ts,
// class comment point 2). Correctness never depends on it: an expired turn only means a stale
// proposal, which the append's check-and-set refuses.
export class MiningTurns {
  #lease: { ticket: string; timer: ReturnType<typeof setTimeout> } | undefined;
  #waiters: Array<() => void> = [];

  /**
   * Waits until no turn is held, then starts one that ends by itself after `leaseMs`. Undefined
   * ("busy") if none came free within `waitMs`.
   */
  async take(waitMs: number, leaseMs: number): Promise<string | undefined> {
    const deadline = Date.now() + waitMs;
    while (this.#lease) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const waiter = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve();
        }, left);
        this.#waiters.push(waiter);
      });
    }
    const ticket = crypto.randomUUID();
    this.#lease = { ticket, timer: setTimeout(() => this.end(ticket), leaseMs) };
    return ticket;
  }

  /** Ends the turn held by `ticket` (if it still is the current one) and wakes the next waiter. */
  end(ticket: string): void {
    if (this.#lease?.ticket !== ticket) return;
    clearTimeout(this.#lease.timer);
    this.#lease = undefined;
    this.#waiters.shift()?.();
  }
}
