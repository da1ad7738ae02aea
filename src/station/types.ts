// A registered issuance station as the registry knows it (never its key).
export interface Station {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'disabled';
  readonly createdAt: Date;
  readonly lastSeenAt: Date | undefined;
}

/** What a station reports about one of its readers. `cardSerial` is the station's word, not checked. */
export interface ReaderReport {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly cardSerial?: number;
}

export const stationJobKinds = ['personalise', 'replace', 'activate', 'unblock-pin', 'reset-pin', 'stock-receive'] as const;
export type StationJobKind = (typeof stationJobKinds)[number];

export interface StationJobRecord {
  readonly id: string;
  readonly kind: StationJobKind;
  readonly stationId: string;
  readonly reader: string;
  readonly officer: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly cardSerial: number | undefined;
  readonly issuanceJobId: string | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
