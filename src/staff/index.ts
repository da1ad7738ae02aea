// The staff module's public surface: accounts, sign-in, sessions, roles and
// four-eyes approvals.
export { staffCodes, staffError, isStaffError, type StaffErrorCode } from './codes.js';
export { defaultStaffPolicy, staffDeps, type SignInThrottle, type StaffDeps, type StaffPolicy } from './deps.js';
export type { StaffPrincipal } from './principal.js';
export { ARGON2_OPTIONS, PASSWORD_MIN, checkPasswordPolicy, hashPassword, verifyPassword } from './password.js';
export { login, type LoginInput, type LoginResult } from './login.js';
export { unlockSignIn, type SignInUnlock } from './unlock.js';
export { accountThrottleKey, addressThrottleKey, addressBucket } from './sign-in-throttle.js';
export { createSession, authenticateSession, endSession } from './sessions.js';
export { addStaff, listStaffAccounts, setDisabled, changeRole, changePassword, viewStaff, type NewStaffInput, type StaffView } from './accounts.js';
export { requestApproval, approve, reject, listApprovalRequests, executeApproval, viewApproval, type ApprovalView } from './approvals.js';
export { changeOwnPassword } from './change-own-password.js';
export { staffApprovalGate } from './approval-gate.js';
