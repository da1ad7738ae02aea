// The client address behind proxies (src/http/client-address.ts): the peer,
// unless the peer is a trusted proxy, then the rightmost untrusted hop of
// X-Forwarded-For; a header from anyone else is ignored. Configuration
// refuses what is not an address or a prefix.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientAddressOf, normaliseAddress, parseTrustedProxies } from '../../src/http/client-address.js';
import { loadConfig } from '../../src/config.js';

const req = (peer: string | undefined, xff?: string | string[]) =>
  ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('client address (trusted proxies)', () => {
  const trusted = clientAddressOf(parseTrustedProxies('10.0.0.0/8, 192.0.2.10 fd00::/8'));

  it('without trusted proxies the peer is the client, whatever X-Forwarded-For says', () => {
    const none = clientAddressOf(undefined);
    assert.equal(none(req('203.0.113.5', '198.51.100.1')), '203.0.113.5');
    assert.equal(none(req('::ffff:203.0.113.5')), '203.0.113.5');
    assert.equal(none(req(undefined)), 'unknown');
  });

  it('a header from an untrusted peer is ignored', () => {
    assert.equal(trusted(req('203.0.113.5', '198.51.100.1')), '203.0.113.5');
  });

  it('from a trusted proxy: the rightmost hop that is not a trusted proxy', () => {
    assert.equal(trusted(req('10.1.2.3', '198.51.100.1')), '198.51.100.1');
    // The client forged a first hop; the proxies appended the real one.
    assert.equal(trusted(req('10.1.2.3', '6.6.6.6, 198.51.100.1, 192.0.2.10')), '198.51.100.1');
    assert.equal(trusted(req('::ffff:10.1.2.3', ['6.6.6.6', '198.51.100.1'])), '198.51.100.1');
    assert.equal(trusted(req('fd00::1', '[2001:db8::7]:4711')), '2001:db8::7');
    assert.equal(trusted(req('10.1.2.3', '198.51.100.1:5555')), '198.51.100.1');
  });

  it('only trusted hops, no header, or a hop that is not an address: the last address that can be believed', () => {
    assert.equal(trusted(req('10.1.2.3', '10.9.9.9')), '10.9.9.9');
    assert.equal(trusted(req('10.1.2.3')), '10.1.2.3');
    assert.equal(trusted(req('10.1.2.3', '198.51.100.1, not-an-ip')), '10.1.2.3');
    assert.equal(trusted(req('10.1.2.3', 'not-an-ip, 10.9.9.9')), '10.9.9.9');
  });

  it('normalises addresses and refuses bad configuration', () => {
    assert.equal(normaliseAddress('  ::FFFF:1.2.3.4 '), '1.2.3.4');
    assert.equal(normaliseAddress('unknown'), '');
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.org', '10.0.0.1/', '1.2.3.4/x']) {
      assert.throws(() => parseTrustedProxies(bad), RangeError, bad);
      assert.throws(() => loadConfig({ CARDAUTH_TRUSTED_PROXIES: bad }), /CARDAUTH_TRUSTED_PROXIES/, bad);
    }
    assert.equal(loadConfig({ CARDAUTH_TRUSTED_PROXIES: '10.0.0.0/8,::1' }).trustedProxies, '10.0.0.0/8,::1');
    assert.equal(loadConfig({}).trustedProxies, '');
  });
});
