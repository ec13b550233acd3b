// dynalite ships no types; this is the part of its API the embedded store uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}

// dynalite's database module, which index.js requires for every store it creates: imported by its
// path, so a bundle that includes dynalite patches the same module instance (dynalite-iterators.ts).
declare module 'dynalite/db/index.js' {
  const db: { create: (options?: object) => unknown };
  export default db;
}
