// Which IP addresses an outbound request may reach: the public internet only, unless configured.
// Private (RFC 1918), loopback, link-local, CGNAT (RFC 6598), unique-local (RFC 4193), multicast,
// documentation and reserved ranges are refused (IANA special-purpose registries, RFC 6890), and
// an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged by its IPv4 address. Loopback alone
// (127.0.0.0/8, ::1) can be allowed on its own, for relying parties on the same machine.
import { BlockList, isIP } from 'node:net';

const ipv4Ranges: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const ipv6Ranges: ReadonlyArray<[string, number]> = [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
];

const nonPublic = new BlockList();
for (const [network, prefix] of ipv4Ranges) nonPublic.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of ipv6Ranges) nonPublic.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:1.2.3.4 in any spelling), else null. */
function mappedIpv4(address: string): string | null {
  // The URL parser writes IPv6 in its one canonical, compressed form: ::ffff:7f00:1.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const groups = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!groups) return null;
  const high = parseInt(groups[1]!, 16);
  const low = parseInt(groups[2]!, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether the IP literal `address` is in `list`, an IPv4-mapped IPv6 address judged by its IPv4
 * address; `notAnIp` is the answer for anything that is not an IP literal.
 */
function listed(list: BlockList, address: string, notAnIp: boolean): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return list.check(bare, 'ipv4');
  if (family !== 6) return notAnIp;
  const mapped = mappedIpv4(bare);
  if (mapped !== null) return list.check(mapped, 'ipv4');
  return list.check(bare, 'ipv6');
}

/** True when `address` (an IP literal) is outside the public internet; anything not an IP is refused too. */
export function isNonPublicAddress(address: string): boolean {
  return listed(nonPublic, address, true);
}

/** True when `address` (an IP literal) is this machine's loopback: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  return listed(loopback, address, false);
}
