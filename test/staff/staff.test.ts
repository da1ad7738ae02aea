// Staff accounts, sign-in, sessions and four-eyes approvals
// over both registry backends, with a frozen clock and the in-process store.
import assert from 'node:assert/strict';
import { isAppError } from '../../src/errors/app-error.js';
import { isIssuanceError } from '../../src/issuance/codes.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { isRegistryError } from '../../src/registry/codes.js';
import { staffByUsername } from '../../src/registry/repos/staff.js';
import { readAuditLog } from '../../src/registry/audit/read.js';
import { verifyAuditChain } from '../../src/registry/audit/verify.js';
import {
  addStaff,
  approve,
  authenticateSession,
  changePassword,
  changeRole,
  endSession,
  isStaffError,
  listApprovalRequests,
  login,
  reject,
  requestApproval,
  setDisabled,
  staffApprovalGate,
  staffDeps,
  type StaffDeps,
  type StaffErrorCode,
  type StaffPrincipal,
  unlockSignIn,
  addressBucket,
} from '../../src/staff/index.js';
import { backends, resetRegistry, useDatabase } from '../registry/support/backends.js';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const PW = 'correct horse battery staple';
const code = (c: StaffErrorCode) => (e: unknown) => isStaffError(e, c);

for (const kind of backends) {
  describe(`staff (${kind})`, function () {
    this.timeout(60_000);
    const h = useDatabase(kind);
    let clock: FixedClock;
    let store: MemoryStore;
    let deps: StaffDeps;
    let admin: StaffPrincipal;

    beforeEach(async () => {
      await resetRegistry(h.db);
      clock = new FixedClock(T0);
      store = new MemoryStore(clock);
      deps = staffDeps({ sql: h.db, store, clock });
      await addStaff(deps, undefined, { username: 'root', displayName: 'First Admin', role: 'admin', password: PW });
      admin = (await login(deps, { username: 'root', password: PW, address: '10.0.0.1' })).principal;
    });

    async function person(username: string, role: string): Promise<StaffPrincipal> {
      await addStaff(deps, admin, { username, displayName: username.toUpperCase(), role, password: PW });
      return (await login(deps, { username, password: PW, address: '10.0.0.9' })).principal;
    }

    describe('accounts', () => {
      it('the first admin needs no session, but only while no admin exists', async () => {
        await assert.rejects(addStaff(deps, undefined, { username: 'root2', displayName: 'x', role: 'admin', password: PW }), code('staff_admin_exists'));
        await assert.rejects(addStaff(deps, undefined, { username: 'off1', displayName: 'x', role: 'officer', password: PW }), code('staff_session_required'));
        const log = await readAuditLog(h.db, { limit: 5 });
        assert.deepEqual(log.map((e) => [e.action, e.actor]), [['staff.create', 'bootstrap']]);
      });

      it('later adds need an admin; formats, policy and duplicates are typed errors', async () => {
        const officer = await person('officer1', 'officer');
        await assert.rejects(addStaff(deps, officer, { username: 'x12', displayName: 'x', role: 'officer', password: PW }), code('staff_forbidden'));
        await assert.rejects(addStaff(deps, admin, { username: 'officer1', displayName: 'x', role: 'officer', password: PW }), code('staff_username_taken'));
        await assert.rejects(addStaff(deps, admin, { username: 'Bad Name', displayName: 'x', role: 'officer', password: PW }), code('staff_invalid'));
        await assert.rejects(addStaff(deps, admin, { username: 'abc', displayName: 'x', role: 'wizard', password: PW }), code('staff_invalid'));
        await assert.rejects(addStaff(deps, admin, { username: 'abc', displayName: 'x', role: 'officer', password: 'short-pw-11' }), code('staff_password_weak'));
        await assert.rejects(addStaff(deps, admin, { username: 'abc', displayName: 'x', role: 'officer', password: 'aaaaaaaaaaaaaaaa' }), code('staff_password_weak'));
        await assert.rejects(addStaff(deps, admin, { username: 'abcdef', displayName: 'x', role: 'officer', password: 'my abcdef password' }), code('staff_password_weak'));
        await addStaff(deps, admin, { username: 'abc', displayName: 'x', role: 'officer', password: 'twelve chars' });
      });

      it('stores argon2id with m=19456 KiB, t=2, p=1, never the password', async () => {
        const row = await staffByUsername(h.db, 'root');
        assert.match(row!.passwordHash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
        const dump = JSON.stringify(await h.db.query('SELECT * FROM staff')) + JSON.stringify(await h.db.query('SELECT * FROM audit_log'));
        assert.ok(!dump.includes(PW));
      });

      it('the database refuses a hash that is not argon2id', async () => {
        await assert.rejects(h.db.query(`UPDATE staff SET password_hash = 'plain' WHERE username = 'root'`), (e) => isRegistryError(e, 'registry_constraint'));
      });

      it('the last active admin cannot be disabled or demoted', async () => {
        await assert.rejects(setDisabled(deps, admin, admin.staffId, true), code('staff_last_admin'));
        await assert.rejects(changeRole(deps, admin, admin.staffId, 'officer'), code('staff_last_admin'));
      });
    });

    describe('sign-in and sessions', () => {
      it('a session token resolves to the staff member; the store keeps only its hash', async () => {
        const r = await login(deps, { username: 'root', password: PW, address: '10.0.0.1' });
        assert.match(r.token, /^cas_[A-Za-z0-9_-]{43}$/);
        const p = await authenticateSession(deps, r.token);
        assert.deepEqual([p.username, p.role, p.displayName], ['root', 'admin', 'First Admin']);
        const keys = [...(store as unknown as { map: Map<string, { value: string }> }).map.entries()];
        assert.ok(keys.every(([k, v]) => !k.includes(r.token.slice(4)) && !v.value.includes(r.token.slice(4))));
      });

      it('unknown user, wrong password and disabled account fail the same way', async () => {
        const officer = await person('officer1', 'officer');
        await setDisabled(deps, admin, officer.staffId, true);
        const errors: unknown[] = [];
        for (const attempt of [
          { username: 'nobody', password: PW },
          { username: 'root', password: 'wrong password!' },
          { username: 'officer1', password: PW },
        ]) {
          errors.push(await login(deps, { ...attempt, address: '10.0.0.2' }).then(() => 'signed in', (e: unknown) => e));
        }
        for (const e of errors) {
          assert.ok(isAppError(e));
          assert.deepEqual([e.code, e.message, e.status], ['staff_login_failed', 'Username or password is wrong', 401]);
        }
      });

      it('an account: 5 failures at once, then waits of 1 s, 2 s, 4 s …, locked at 20 until the window ends', async () => {
        const guess = (i: number) => login(deps, { username: 'root', password: `wrong-${i}-password`, address: `10.1.0.${i}` });
        for (let i = 0; i < 5; i++) await assert.rejects(guess(i), code('staff_login_failed'));
        // The sixth attempt waits a second — even with the right password.
        await assert.rejects(login(deps, { username: 'root', password: PW, address: '10.1.1.1' }), (e: unknown) => isStaffError(e, 'staff_login_limited') && e.detail?.['retryAfterSeconds'] === 1);
        clock.advance(1000);
        await assert.rejects(guess(5), code('staff_login_failed'));
        clock.advance(1999);
        await assert.rejects(guess(6), (e: unknown) => isStaffError(e, 'staff_login_limited') && e.detail?.['retryAfterSeconds'] === 1);
        clock.advance(1);
        await assert.rejects(guess(6), code('staff_login_failed'));
        for (let i = 7; i < 20; i++) {
          clock.advance(5 * 60_000); // the longest wait
          await assert.rejects(guess(i), code('staff_login_failed'));
        }
        clock.advance(5 * 60_000);
        await assert.rejects(login(deps, { username: 'root', password: PW, address: '10.1.1.1' }), (e: unknown) => isStaffError(e, 'staff_login_limited') && Number(e.detail?.['retryAfterSeconds']) > 3000);
        clock.advance(3600_000); // an hour after the last attempt the record is forgotten
        await login(deps, { username: 'root', password: PW, address: '10.1.1.1' });
      });

      it('a success clears the account record: the next mistakes start again from free attempts', async () => {
        for (let i = 0; i < 4; i++) await assert.rejects(login(deps, { username: 'root', password: `wrong ${i} password`, address: 'a' }), code('staff_login_failed'));
        await login(deps, { username: 'root', password: PW, address: 'a' });
        for (let i = 0; i < 5; i++) await assert.rejects(login(deps, { username: 'root', password: `wrong ${i} password`, address: 'a' }), code('staff_login_failed'));
      });

      it('an admin lifts an account lock (audited); others may not', async () => {
        await person('officer1', 'officer');
        const guess = () => login(deps, { username: 'officer1', password: 'wrong password here', address: '10.2.0.1' });
        for (let i = 0; i < 20; i++) {
          await assert.rejects(guess(), code('staff_login_failed'));
          clock.advance(5 * 60_000);
        }
        await assert.rejects(login(deps, { username: 'officer1', password: PW, address: '10.2.0.2' }), code('staff_login_limited'));
        const officer = (await staffByUsername(h.db, 'officer1'))!;
        await assert.rejects(unlockSignIn(deps, { ...admin, role: 'supervisor' }, { id: officer.id }), code('staff_forbidden'));
        assert.deepEqual(await unlockSignIn(deps, admin, { username: 'officer1' }), { username: 'officer1', failures: 20, wasLocked: true });
        await login(deps, { username: 'officer1', password: PW, address: '10.2.0.2' });
        const entry = (await readAuditLog(h.db, { limit: 100 })).find((e) => e.action === 'staff.sign-in-unlock');
        assert.ok(entry, 'the unlock is in the audit log');
        assert.deepEqual([entry.actor, entry.subject, entry.data], [`staff:${admin.staffId}`, `staff:${officer.id}`, { failures: 20, locked: true }]);
        await assert.rejects(unlockSignIn(deps, admin, { username: 'nobody' }), code('staff_not_found'));
      });

      it('an address: 20 failures across usernames at once, then waits up to a minute, never locked', async () => {
        for (let i = 0; i < 20; i++) {
          await assert.rejects(login(deps, { username: `guess${i}`, password: 'nope nope nope', address: '192.0.2.7' }), code('staff_login_failed'));
        }
        await assert.rejects(login(deps, { username: 'root', password: PW, address: '192.0.2.7' }), code('staff_login_limited'));
        await login(deps, { username: 'root', password: PW, address: '192.0.2.8' });
        for (let i = 20; i < 60; i++) {
          clock.advance(60_000);
          await assert.rejects(login(deps, { username: `guess${i}`, password: 'nope nope nope', address: '192.0.2.7' }), code('staff_login_failed'));
        }
        clock.advance(60_000);
        await login(deps, { username: 'root', password: PW, address: '192.0.2.7' });
      });

      it('IPv6 addresses count by their /64; IPv4-mapped ones as IPv4', async () => {
        assert.equal(addressBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
        assert.equal(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
        assert.equal(addressBucket('::1'), '0:0:0:0::/64');
        assert.equal(addressBucket('::ffff:192.0.2.1'), '192.0.2.1');
        assert.equal(addressBucket('192.0.2.1'), '192.0.2.1');
        for (let i = 0; i < 20; i++) {
          await assert.rejects(login(deps, { username: `g${i}`, password: 'nope nope nope', address: `2001:db8:1:2::${i.toString(16)}` }), code('staff_login_failed'));
        }
        await assert.rejects(login(deps, { username: 'root', password: PW, address: '2001:db8:1:2:ffff::9' }), code('staff_login_limited'));
        await login(deps, { username: 'root', password: PW, address: '2001:db8:1:3::9' });
      });

      it('sessions end after idle time and at the absolute limit', async () => {
        const a = await login(deps, { username: 'root', password: PW, address: 'x' });
        clock.advance(29 * 60_000);
        await authenticateSession(deps, a.token);
        clock.advance(29 * 60_000);
        await authenticateSession(deps, a.token); // used within 30 min: still alive
        clock.advance(30 * 60_000);
        await assert.rejects(authenticateSession(deps, a.token), code('staff_session_invalid'));

        const b = await login(deps, { username: 'root', password: PW, address: 'x' });
        for (let t = 0; t < 8 * 60; t += 20) {
          await authenticateSession(deps, b.token);
          clock.advance(20 * 60_000);
        }
        await assert.rejects(authenticateSession(deps, b.token), code('staff_session_invalid'));
      });

      it('disabling an account ends its sessions at once; so does a password change; logout ends one', async () => {
        await person('officer1', 'officer');
        const s1 = await login(deps, { username: 'officer1', password: PW, address: 'x' });
        const s2 = await login(deps, { username: 'officer1', password: PW, address: 'x' });
        await setDisabled(deps, admin, s1.principal.staffId, true);
        await assert.rejects(authenticateSession(deps, s1.token), code('staff_session_invalid'));
        await assert.rejects(authenticateSession(deps, s2.token), code('staff_session_invalid'));
        await setDisabled(deps, admin, s1.principal.staffId, false);
        await assert.rejects(authenticateSession(deps, s2.token), code('staff_session_invalid'), 'enabling again does not revive old sessions');

        const s3 = await login(deps, { username: 'officer1', password: PW, address: 'x' });
        await changePassword(deps, s3.principal, s3.principal.staffId, 'a brand new passphrase');
        await assert.rejects(authenticateSession(deps, s3.token), code('staff_session_invalid'));
        await assert.rejects(login(deps, { username: 'officer1', password: PW, address: 'y' }), code('staff_login_failed'));

        const s4 = await login(deps, { username: 'officer1', password: 'a brand new passphrase', address: 'x' });
        await endSession(deps, s4.token);
        await assert.rejects(authenticateSession(deps, s4.token), code('staff_session_invalid'));
        await assert.rejects(authenticateSession(deps, 'cas_not-a-token'), code('staff_session_invalid'));
      });

      it('caps concurrent password verifications; beyond the queue it answers staff_busy', async () => {
        const tight = staffDeps({ sql: h.db, store, clock, policy: { maxConcurrentHashes: 1, maxQueuedHashes: 1 } });
        let release!: () => void;
        const holding = tight.hashLimiter.run(() => new Promise<void>((r) => (release = r)));
        assert.equal(tight.hashLimiter.inFlight, 1);
        const queued = login(tight, { username: 'root', password: PW, address: 'z' });
        // wait until the queued sign-in sits in the queue, then one more finds it full
        for (let i = 0; i < 200 && (tight.hashLimiter as unknown as { waiting: unknown[] }).waiting.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
        await assert.rejects(login(tight, { username: 'root', password: PW, address: 'z' }), code('staff_busy'));
        release();
        await holding;
        assert.equal((await queued).principal.username, 'root');
        assert.equal(tight.hashLimiter.inFlight, 0);
      });
    });

    describe('four eyes', () => {
      it('officer requests; the requester cannot approve; another supervisor can; only once', async () => {
        const officer = await person('officer1', 'officer');
        const sup1 = await person('super1', 'supervisor');
        const sup2 = await person('super2', 'supervisor');
        const auditor = await person('audit1', 'auditor');
        await assert.rejects(requestApproval(deps, 'pin-reset', 'card:1001', auditor), code('staff_forbidden'));
        await assert.rejects(requestApproval(deps, 'format-disk', 'card:1001', officer), code('approval_invalid'));

        const req = await requestApproval(deps, 'revoke-key-compromise', 'card:1001', sup1, 'card reported stolen with PIN');
        assert.equal(req.state, 'pending');
        await assert.rejects(approve(deps, req.id, sup1), code('approval_self'));
        await assert.rejects(approve(deps, req.id, officer), code('approval_forbidden'));
        await assert.rejects(approve(deps, req.id, admin), code('approval_forbidden'));
        const ok = await approve(deps, req.id, sup2);
        assert.deepEqual([ok.state, ok.decidedBy], ['approved', sup2.staffId]);
        await assert.rejects(approve(deps, req.id, sup2), code('approval_decided'));
        await assert.rejects(reject(deps, req.id, sup2), code('approval_decided'));
        await assert.rejects(approve(deps, '00000000-0000-4000-8000-000000000000', sup2), code('approval_not_found'));
        assert.equal((await listApprovalRequests(deps, officer, { state: 'approved' })).length, 1);
      });

      it('an expired request cannot be decided', async () => {
        const officer = await person('officer1', 'officer');
        const sup = await person('super1', 'supervisor');
        const req = await requestApproval(deps, 'pin-reset', 'card:7', officer);
        clock.advance(24 * 3600_000);
        await assert.rejects(approve(deps, req.id, sup), code('approval_expired'));
      });

      it('the database itself refuses a self-decision', async () => {
        const officer = await person('officer1', 'officer');
        const req = await requestApproval(deps, 'pin-reset', 'card:7', officer);
        await assert.rejects(
          h.db.query(`UPDATE approvals SET state = 'approved', decided_by = requested_by, decided_at = now() WHERE id = $1`, [req.id]),
          (e) => isRegistryError(e, 'registry_constraint') && e.detail?.['constraint'] === 'approvals_not_self',
        );
      });

      it('serves issuance as its ApprovalGate: used once, by the requester, for the approved action and subject', async () => {
        const officer = await person('officer1', 'officer');
        const sup = await person('super1', 'supervisor');
        const gate = staffApprovalGate(deps);
        const req = await requestApproval(deps, 'pin-reset', '1001', officer);
        const use = { approvalId: req.id, action: 'card.staff-reset' as const, subject: '1001', actor: officer };
        await assert.rejects(gate.consume(use), (e) => isIssuanceError(e, 'lifecycle_approval_required'), 'still pending');
        await approve(deps, req.id, sup);
        await assert.rejects(gate.consume({ ...use, subject: '1002' }), (e) => isIssuanceError(e, 'lifecycle_approval_required'));
        await assert.rejects(gate.consume({ ...use, action: 'card.revoke.keyCompromise' }), (e) => isIssuanceError(e, 'lifecycle_approval_required'));
        await assert.rejects(gate.consume({ ...use, actor: sup }), (e) => isIssuanceError(e, 'lifecycle_approval_required'));
        assert.deepEqual(await gate.consume(use), { approvedBy: sup.staffId });
        await assert.rejects(gate.consume(use), (e) => isIssuanceError(e, 'lifecycle_approval_required'), 'used once');
        const actions = (await readAuditLog(h.db, { subject: `approval:${req.id}`, limit: 10 })).map((e) => e.action);
        assert.deepEqual(actions, ['approval.execute', 'approval.approve', 'approval.request']);
        assert.equal((await verifyAuditChain(h.db)).ok, true);
      });
    });
  });
}
