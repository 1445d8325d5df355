// Which IP addresses a webhook may never reach (SSRF): loopback, private, link-local, CGNAT,
// multicast, reserved and documentation ranges, cloud metadata (169.254.169.254, fd00:ec2::254),
// and every IPv6 form that carries an IPv4 address inside (mapped, compatible, NAT64, 6to4, Teredo)
// so that `::ffff:127.0.0.1` cannot stand in for 127.0.0.1.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const V4_RANGES: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const V6_RANGES: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback (::1), IPv4-compatible
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local (fd00:ec2::254, the EC2 metadata service, is in it)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local
  ['ff00::', 8], // multicast
];

// Two lists: one BlockList checks an IPv4 address against IPv6 rules too (as if IPv4-mapped), which
// would let the `::/96` rule refuse every IPv4 address.
const blockedV4 = new BlockList();
for (const [net, prefix] of V4_RANGES) blockedV4.addSubnet(net, prefix, 'ipv4');
const blockedV6 = new BlockList();
for (const [net, prefix] of V6_RANGES) blockedV6.addSubnet(net, prefix, 'ipv6');

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address, in any spelling (`::ffff:127.0.0.1`,
 * `0:0:0:0:0:ffff:7f00:0001`), else undefined. The URL parser writes every IPv6 address in one
 * canonical form (`::ffff:7f00:1`), so one pattern reads them all.
 */
function mappedIpv4(address: string): string | undefined {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address no webhook may reach unless an administrator allowed its host and port. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return blockedV4.check(bare, 'ipv4');
  if (!isIPv6(bare)) return true; // not an address at all: nothing to connect to
  // An IPv4-mapped address is the IPv4 address it carries.
  const inner = mappedIpv4(bare);
  if (inner) return blockedV4.check(inner, 'ipv4');
  return blockedV6.check(bare, 'ipv6');
}
