// A fixed-size pool of DuckDB connections over one instance. Borrowers wait in FIFO order when every
// connection is busy; nothing here times out — callers bound their own queries.

import type { DuckDBConnection } from "@duckdb/node-api";
import { EngineClosedError } from "./errors.ts";

interface Waiter {
  resolve: (connection: DuckDBConnection) => void;
  reject: (error: Error) => void;
}

export class ConnectionPool {
  readonly #idle: DuckDBConnection[];
  readonly #all: readonly DuckDBConnection[];
  readonly #waiters: Waiter[] = [];
  #closed = false;
  #drained: (() => void) | undefined;

  constructor(connections: readonly DuckDBConnection[]) {
    this.#all = connections;
    this.#idle = [...connections];
  }

  get size(): number {
    return this.#all.length;
  }

  get busy(): number {
    return this.#all.length - this.#idle.length;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Borrows a connection for the duration of `fn`; it goes back to the pool however `fn` ends. */
  async use<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    try {
      return await fn(connection);
    } finally {
      this.#release(connection);
    }
  }

  /** Refuses new borrowers, rejects queued ones, waits for borrowed connections, then disconnects all. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new EngineClosedError());
    if (this.busy > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    for (const connection of this.#all) connection.disconnectSync();
  }

  #acquire(): Promise<DuckDBConnection> {
    if (this.#closed) return Promise.reject(new EngineClosedError());
    const connection = this.#idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #release(connection: DuckDBConnection): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(connection);
      return;
    }
    this.#idle.push(connection);
    if (this.#closed && this.busy === 0) this.#drained?.();
  }
}
