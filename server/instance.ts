// Who this process is, as a lease owner in the shared store: unique per process, readable in logs.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export const instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
