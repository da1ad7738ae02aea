// The sandbox's test citizens: made-up people, with the PIN each one's card
// is personalised with (printed by the sandbox, as a bank tester needs it),
// the terminal their card sits in, and the card's state (one card is revoked,
// to see a refusal).
export interface TestCitizen {
  readonly nationalId: string;
  readonly surname: string;
  readonly givenName: string;
  readonly birthDate: string;
  readonly pin: string;
  readonly terminalId: string;
  readonly status: 'active' | 'revoked';
}

export const testCitizens: readonly TestCitizen[] = [
  { nationalId: 'SBX000001', surname: 'Sok', givenName: 'Dara', birthDate: '1990-04-17', pin: '480913', terminalId: 'kiosk-1', status: 'active' },
  { nationalId: 'SBX000002', surname: 'Chan', givenName: 'Sreymom', birthDate: '1993-06-15', pin: '271828', terminalId: 'kiosk-2', status: 'active' },
  { nationalId: 'SBX000003', surname: 'Keo', givenName: 'Vanna', birthDate: '1985-11-02', pin: '314159', terminalId: 'kiosk-3', status: 'revoked' },
];

export const SANDBOX_RP_NAME = 'Sandbox Demo Bank';
