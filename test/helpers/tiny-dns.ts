// A DNS server on loopback (UDP, a free port) answering A queries from a table, and a resolver
// function that asks it: what lets a test give a name an address (loopback, say) without touching
// /etc/hosts, so the webhook guard's resolve-check-connect path runs against real DNS traffic.
// Names not in the table are NXDOMAIN; AAAA queries get no answer (NOERROR, empty).
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import type { ResolveHost } from '../../server/webhooks/guarded-lookup.ts';

const TYPE_A = 1;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (message[at]! > 0) {
    const length = message[at]!;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

function answer(query: Buffer, table: ReadonlyMap<string, string>): Buffer {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const address = table.get(name);
  const records = address !== undefined && type === TYPE_A ? [address] : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // the query's id
  header.writeUInt16BE(address === undefined ? 0x8183 : 0x8180, 2); // response, recursion available; NXDOMAIN or NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((ip) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(5, 6); // TTL
    record.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    return record;
  });
  return Buffer.concat([header, question, ...answers]);
}

export interface TinyDns {
  /** Resolves through this server only (A and AAAA), as the system resolver would through its own. */
  resolve: ResolveHost;
  /** How many queries named `name` so far. */
  queries(name: string): number;
  close(): Promise<void>;
}

export async function startTinyDns(table: Record<string, string>): Promise<TinyDns> {
  const names = new Map(Object.entries(table).map(([name, ip]) => [name.toLowerCase(), ip]));
  const asked = new Map<string, number>();
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const { name } = readName(query, 12);
    asked.set(name, (asked.get(name) ?? 0) + 1);
    socket.send(answer(query, names), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${(socket.address() as AddressInfo).port}`]);
  const none = (err: { code?: string }) => {
    if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [] as string[];
    throw err;
  };
  return {
    async resolve(hostname) {
      const [v4, v6] = await Promise.all([resolver.resolve4(hostname).catch(none), resolver.resolve6(hostname).catch(none)]);
      return [...v4.map((address) => ({ address, family: 4 as const })), ...v6.map((address) => ({ address, family: 6 as const }))];
    },
    queries: (name) => asked.get(name.toLowerCase()) ?? 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
