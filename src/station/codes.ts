// Stable public error codes of issuance stations: their registration and
// keys, the connection a station keeps to the service, and the relay of a
// job's card traffic over it. A station that breaks the relay protocol (a
// response out of order, replayed, or for a job it was not given) is refused
// with one of the station_relay_* codes and its connection is closed.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const stationCodes = defineCodes({
  station_invalid: { status: 400, title: 'The station registration is invalid' },
  station_not_found: { status: 404, title: 'No such station' },
  station_name_taken: { status: 409, title: 'A station with this name exists already' },
  station_unauthorized: { status: 401, title: 'Missing or invalid station key' },
  station_disabled: { status: 403, title: 'The station is disabled' },
  station_offline: { status: 409, title: 'The station is not connected' },
  station_disconnected: { status: 503, title: 'The station’s connection ended during the job; resume the job when it is back' },
  station_timeout: { status: 504, title: 'The station did not answer in time' },
  station_protocol_error: { status: 502, title: 'The station sent a message that breaks the station protocol' },
  station_relay_out_of_order: { status: 502, title: 'The station answered out of order' },
  station_relay_replayed: { status: 502, title: 'The station replayed an earlier answer' },
  station_relay_other_job: { status: 502, title: 'The station answered for a job it was not given' },
  upgrade_required: { status: 426, title: 'Connect with a WebSocket upgrade' },
});

export type StationCode = keyof typeof stationCodes;

export const [stationError, isStationError] = codedErrors(stationCodes);
