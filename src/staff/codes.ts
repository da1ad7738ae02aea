// Stable error codes of staff accounts, sessions and four-eyes approvals.
// A failed login says only staff_login_failed, whether
// the username is unknown, the password wrong or the account disabled.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const staffCodes = defineCodes({
  staff_login_failed: { status: 401, title: 'Username or password is wrong' },
  staff_login_limited: { status: 429, title: 'Too many failed sign-ins; try again later' },
  staff_busy: { status: 503, title: 'Too many sign-ins at once; try again shortly' },
  staff_session_required: { status: 401, title: 'A staff session is required' },
  staff_session_invalid: { status: 401, title: 'The staff session has ended or is not valid' },
  staff_csrf_failed: { status: 403, title: 'The request from the console lacks its CSRF token or comes from another origin' },
  staff_password_wrong: { status: 403, title: 'The current password is wrong' },
  staff_forbidden: { status: 403, title: 'This staff role may not do this' },
  staff_invalid: { status: 400, title: 'The staff account details are not valid' },
  staff_password_weak: { status: 400, title: 'The password does not meet the password policy' },
  staff_username_taken: { status: 409, title: 'This username is already taken' },
  staff_not_found: { status: 404, title: 'No such staff account' },
  staff_admin_exists: { status: 409, title: 'An administrator exists already; sign in as one to add staff' },
  staff_last_admin: { status: 409, title: 'The last active administrator cannot be disabled or demoted' },
  approval_not_found: { status: 404, title: 'No such approval request' },
  approval_invalid: { status: 400, title: 'The approval request is not valid' },
  approval_self: { status: 403, title: 'Nobody may approve their own request' },
  approval_forbidden: { status: 403, title: 'This staff role may not decide approval requests' },
  approval_expired: { status: 409, title: 'The approval request has expired' },
  approval_decided: { status: 409, title: 'The approval request has already been decided' },
});

export type StaffErrorCode = keyof typeof staffCodes;

/** Build an AppError with one of these codes (status from the table), and recognise one. */
export const [staffError, isStaffError] = codedErrors(staffCodes);
