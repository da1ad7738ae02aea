// Where the citizen's page is served: on this machine only. The page takes
// the PIN, so it must never be reachable from the network: --listen accepts
// a loopback address (127.0.0.0/8, ::1) and nothing else, not even a name
// that resolves to one today.
import { isIPv4, isIPv6 } from 'node:net';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** "127.0.0.1:8090", "[::1]:8090"; throws an Error saying why for anything else. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):([0-9]{1,5})$/.exec(text);
  if (m === null) throw new Error(`--listen must be a loopback address and port, e.g. 127.0.0.1:8090 or [::1]:8090 (got ${JSON.stringify(text.slice(0, 80))})`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--listen: ${port} is not a port`);
  if (!isLoopback(host)) throw new Error(`--listen: ${host} is not a loopback address; the citizen's page (it takes the PIN) is served on this machine only`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.split('.')[0] === '127';
  if (isIPv6(host)) return host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host) || host === '0:0:0:0:0:0:0:1';
  return false;
}
