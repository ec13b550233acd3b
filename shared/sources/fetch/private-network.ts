/**
 * @module The private-network rule (docs/contract.md §2): loopback, private, link-local, CGNAT, unspecified
 * and other non-public targets are refused unless a source opts in. The check runs inside the
 * socket's own DNS lookup, so the address checked is the address connected to (no rebinding gap).
 */
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (the injectable part, for tests). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dns.promises.lookup(hostname, { all: true });

/** Thrown from the socket lookup; the fetcher turns it into a `private-network` FetchError. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`refused private address ${address} (${range})`);
  }
}

/** The ipaddr.js range name of a non-public address, or null when it is public unicast. */
export function privateRange(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIP(bare) === 0) return 'invalid';
  let parsed = ipaddr.parse(bare);
  // ::ffff:127.0.0.1 and friends reach IPv4 hosts: judge the IPv4 address inside.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

// Cloud metadata services outside the link-local ranges: Alibaba, AWS's IPv6 IMDS, Azure's
// wire server.
const METADATA = new Set(['100.100.100.200', 'fd00:ec2::254', '168.63.129.16']);

/**
 * Why an address is refused even for a source with `allowPrivateNetwork` (and for trusted
 * hosts): link-local (169.254.0.0/16, fe80::/10, where cloud metadata services live) and the
 * known metadata addresses, also when written IPv4-mapped or through NAT64. Null otherwise.
 */
export function alwaysRefusedRange(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIP(bare) === 0) return null;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (v6.range() === 'rfc6052') parsed = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  if (parsed.range() === 'linkLocal') return 'linkLocal';
  return METADATA.has(parsed.toNormalizedString()) || METADATA.has(parsed.toString()) ? 'metadata' : null;
}

/** An IP literal in a URL host (brackets stripped), or null for a name. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  // WHATWG URL parsing already turned 0x7f.1 or 2130706433 into dotted decimal.
  return isIP(bare) === 0 ? null : bare;
}

/**
 * A `net.connect` lookup that resolves through `resolver` and refuses private addresses
 * (every address the name has, so a mixed answer cannot smuggle one in) unless `allowPrivate`
 * or the name is one of `trustedHosts`; link-local and metadata addresses are refused always.
 */
export function guardedLookup(
  resolver: HostResolver,
  allowPrivate: boolean,
  trustedHosts: ReadonlySet<string> = new Set(),
): LookupFunction {
  return (hostname, options, callback) => {
    const wantAll = typeof options === 'object' && options !== null && options.all === true;
    const family = typeof options === 'object' && options !== null ? options.family : undefined;
    resolver(hostname)
      .then((found) => {
        const addresses = found.filter(
          (entry) => family === undefined || family === 0 || entry.family === family,
        );
        if (addresses.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          });
          callback(error, '', 0);
          return;
        }
        for (const entry of addresses) {
          const range = alwaysRefusedRange(entry.address);
          if (range !== null) throw new PrivateAddressError(entry.address, range);
        }
        if (!allowPrivate && !trustedHosts.has(hostname.toLowerCase())) {
          for (const entry of addresses) {
            const range = privateRange(entry.address);
            if (range !== null) throw new PrivateAddressError(entry.address, range);
          }
        }
        if (wantAll) {
          (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, addresses);
        } else {
          const first = addresses[0]!;
          callback(null, first.address, first.family);
        }
      })
      .catch((error: unknown) => callback(error as NodeJS.ErrnoException, '', 0));
  };
}
