// The MongoDB-protocol server a test runs against: the real MongoDB named by MONGODB_URI when that
// is set, otherwise a FerretDB started for the test file. Each caller gets fresh databases, so
// tests never see each other's documents; stop() drops the ones it handed out (on a real server)
// or removes the whole FerretDB state dir.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { startFerretDb } from './ferretdb.ts';

export interface MongoServer {
  /** 'mongodb' when MONGODB_URI named a server, 'ferretdb' for the one started here. */
  kind: 'mongodb' | 'ferretdb';
  /** A URI naming a database nobody has used yet. */
  freshDatabaseUri(): string;
  /** FerretDB's data directory (undefined for an external MongoDB, whose files are not ours to read). */
  storageDir?: string;
  stop(): Promise<void>;
}

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const newDatabaseName = () => `parley_test_${randomBytes(6).toString('hex')}`;

async function dropDatabases(uris: string[]): Promise<void> {
  for (const uri of uris) {
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
}

export async function startMongoServer(): Promise<MongoServer> {
  const external = process.env.MONGODB_URI;
  if (external) {
    const handedOut: string[] = [];
    return {
      kind: 'mongodb',
      freshDatabaseUri() {
        const uri = withDatabase(external, newDatabaseName());
        handedOut.push(uri);
        return uri;
      },
      stop: () => dropDatabases(handedOut),
    };
  }
  const ferret = await startFerretDb();
  return {
    kind: 'ferretdb',
    freshDatabaseUri: () => withDatabase(ferret.uri, newDatabaseName()),
    storageDir: ferret.storageDir,
    stop: () => ferret.stop(),
  };
}
