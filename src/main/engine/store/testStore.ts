import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type OpenStoreOptions, type Store } from './openStore.js';

/** Test support: real SQLite files in a fresh temp folder per test, all closed and deleted after it. */
export interface TempStores {
  /** A path inside this test's folder. */
  file(name?: string): string;
  open(options?: OpenStoreOptions, name?: string): Store;
  /** A plain second connection, as another process (or a damaged-file author) would have. */
  raw(name?: string): Database.Database;
}

export function useTempStores(): TempStores {
  let dir = '';
  const stores: Store[] = [];
  const connections: Database.Database[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-store-'));
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    for (const connection of connections.splice(0)) connection.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name = 'clockface.db') => join(dir, name);
  return {
    file,
    open: (options, name) => {
      const store = openStore(file(name), options);
      stores.push(store);
      return store;
    },
    raw: (name) => {
      const connection = new Database(file(name));
      connections.push(connection);
      return connection;
    },
  };
}

/** A deterministic 128-value embedding with real spread, different for each seed. */
export function testEmbedding(seed: number, dimension = 128): Float32Array {
  return Float32Array.from({ length: dimension }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.25);
}
