// PC/SC return codes (pcsclite.h) → stable card error codes, from messages in
// the exact form the npm pcsclite binding produces ("<fn> error: <text>(0x…)").
import assert from 'node:assert/strict';
import { fromPcscError } from '../../src/card/pcsc/errors.js';
import { pcscReturnCode } from '../../src/card/pcsc/native.js';

const binding = (fn: string, text: string, rc: number): Error => new Error(`${fn} error: ${text}(0x${rc.toString(16).padStart(8, '0')})`);

describe('PC/SC error mapping', () => {
  const cases: Array<[number, string, string]> = [
    [0x8010001d, 'Service not available.', 'pcsc_unavailable'],
    [0x8010001e, 'Service was stopped.', 'pcsc_unavailable'],
    [0x80100009, 'Unknown reader specified.', 'reader_not_found'],
    [0x80100017, 'Reader is unavailable.', 'reader_not_found'],
    [0x8010000c, 'No smart card inserted.', 'no_card'],
    [0x80100069, 'Card was removed.', 'card_removed'],
    [0x80100068, 'Card was reset.', 'card_reset'],
    [0x8010000b, 'Sharing violation.', 'reader_busy'],
    [0x80100016, 'Transaction failed.', 'transmit_failed'],
  ];
  for (const [rc, text, code] of cases) {
    it(`0x${rc.toString(16)} (${text}) → ${code}`, () => {
      const e = fromPcscError(binding('SCardTransmit', text, rc), 'transmit_failed', 'Transmitting');
      assert.equal(e.code, code);
      assert.equal(e.detail?.pcscReturnCode, rc);
      if (code === 'pcsc_unavailable') assert.match(e.message, /start pcscd/);
    });
  }

  it('reads the return code only from the binding format', () => {
    assert.equal(pcscReturnCode(new Error('SCardConnect error: No smart card inserted.(0x8010000c)')), 0x8010000c);
    assert.equal(pcscReturnCode(new Error('Card Reader not connected')), undefined);
    assert.equal(fromPcscError(new Error('Card Reader not connected'), 'transmit_failed', 'x').code, 'transmit_failed');
  });
});
