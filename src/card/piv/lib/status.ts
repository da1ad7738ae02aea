// Status words (ISO/IEC 7816-4 §5.6, SP 800-73-4 Part 2 Table 6) as the PIV
// client reads them. Callers of the client never see these numbers: every
// operation turns the ones it expects into a typed result and the rest into a
// card_unexpected_status error.
import { AppError } from '../../../errors/app-error.js';
import { cardError, type CardErrorCode } from '../../codes.js';

export const sw = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** 63Cx: verification failed, x tries left. */
export function triesLeftOf(status: number): number | undefined {
  return (status & 0xfff0) === 0x63c0 ? status & 0x0f : undefined;
}

export function hex(status: number): string {
  return status.toString(16).toUpperCase().padStart(4, '0');
}

/** The card answered something this operation has no meaning for. */
export function unexpectedStatus(operation: string, status: number): AppError<CardErrorCode> {
  return cardError('card_unexpected_status', `The card refused ${operation}`, {
    detail: { operation, statusWord: hex(status) },
  });
}
