// The client's address as the service should count it (per-address sign-in
// throttling, logs). Behind a load balancer or reverse proxy every peer is the
// proxy, so the client is taken from X-Forwarded-For — but only when the peer
// is a configured trusted proxy (CARDAUTH_TRUSTED_PROXIES); from anyone else
// the header is the client's own claim and is ignored, or any caller could
// pick the address it is counted under. Walking the header from the right,
// trusted hops are skipped and the first untrusted one is the client (RFC
// 7239 §7.4 reasoning: only hops appended by trusted proxies are believed).
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type ClientAddressOf = (req: IncomingMessage) => string;

/** An address without port, brackets or IPv4-mapped prefix; '' when it is not an IP address. */
export function normaliseAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(a);
  if (v4port) a = v4port[1]!;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return isIP(a) === 0 ? '' : a.toLowerCase();
}

/**
 * Parse "10.0.0.0/8, 192.0.2.10, fd00::/8" (addresses and CIDR prefixes,
 * comma or space separated). Throws a RangeError naming the first bad entry.
 */
export function parseTrustedProxies(spec: string): BlockList {
  const list = new BlockList();
  for (const entry of spec.split(/[\s,]+/).filter(Boolean)) {
    const [ip = '', prefix] = entry.split('/');
    const family = isIP(ip);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (family === 0 || (bits !== undefined && (!/^\d{1,3}$/.test(prefix!) || bits > (family === 4 ? 32 : 128)))) {
      throw new RangeError(`not an IP address or CIDR prefix: ${JSON.stringify(entry)}`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, bits, type);
  }
  return list;
}

function trusts(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The peer address, or the client named by trusted proxies in X-Forwarded-For. */
export function clientAddressOf(trusted: BlockList | undefined): ClientAddressOf {
  return (req) => {
    const peer = normaliseAddress(req.socket.remoteAddress ?? '') || 'unknown';
    if (trusted === undefined || !trusts(trusted, peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normaliseAddress(hops[i]!);
      // A hop that is not an address: nothing left of it can be believed.
      if (hop === '') return client;
      client = hop;
      if (!trusts(trusted, hop)) return hop;
    }
    return client;
  };
}
