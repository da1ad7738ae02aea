// Staff HTTP API of issuance, /v1/issuance/….
//
// The records and the lifecycle decisions that need no card: enrolment,
// finding citizens, job and card status, suspend / resume / revoke, expiry.
// Work on a card runs at a thin station (./stations.ts): the service drives
// the card over the station's connection, and the citizen's PIN stays at the
// station's pad, never in this API.
// Every route needs a staff session; permissions are per role
// (src/issuance/permissions.ts).
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { issuanceError } from '../../issuance/codes.js';
import { enrolCitizen } from '../../issuance/enrol-citizen.js';
import { resumeCard, revokeCard, suspendCard, type LifecycleDeps } from '../../issuance/lifecycle/change-status.js';
import { expireCards } from '../../issuance/lifecycle/expire.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, CertificateRecord, IssuanceRegistry, JobRecord } from '../../issuance/ports/registry.js';
import { citizenInputSchema } from '../../issuance/validate/citizen.js';
import { cardSerial } from '../../card/piv/constants.js';
import { isJobId, parseNationalId, revocationReasons, type CardSerial, type Citizen } from '../../issuance/types.js';
import type { Clock } from '../../util/clock.js';
import type { StationJobView } from '../../station/jobs/job-view.js';
import { stationJobKinds } from '../../station/types.js';
import { defineRoute, type AnyRoute, type RouteAuth } from '../route.js';
import { text } from '../schemas/text.js';

export interface IssuanceRouteDeps extends LifecycleDeps {
  readonly registry: IssuanceRegistry;
  readonly clock: Clock;
  readonly country: string;
  /** Staff session authentication (the staff module's RouteAuth, scheme staffSession). */
  readonly auth: RouteAuth<Actor>;
  /** A job run at a station, by its id (src/station/jobs/job-view.ts); issuance jobs are answered from the registry. */
  readonly stationJobView?: (id: string) => Promise<StationJobView | undefined>;
}

const problem = { description: 'Problem (application/problem+json)' } as const;

const citizenSchema = z.object({
  id: z.string(),
  nationalId: z.string(),
  surname: z.string(),
  givenName: z.string(),
  surnameLatin: z.string().optional().describe('The name in Latin letters (upper case), when enrolled with one'),
  givenNameLatin: z.string().optional(),
  birthDate: z.string(),
  country: z.string(),
});
const certificateSchema = z.object({
  serialHex: z.string(),
  slot: z.string(),
  status: z.enum(['good', 'hold', 'revoked']),
  revocationReason: z.string().optional(),
  statusChangedAt: z.string().optional(),
  notAfter: z.string(),
});
const cardSchema = z.object({
  serial: z.number().int(),
  uuid: z.string(),
  citizenId: z.string(),
  status: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  replacesSerial: z.number().int().optional(),
  certificates: z.array(certificateSchema),
});
const jobSchema = z.object({
  id: z.string(),
  /** Jobs run at a station: what kind of work, where, for whom, and each step. */
  kind: z.enum(stationJobKinds).optional(),
  station: z.object({ id: z.string(), name: z.string() }).optional(),
  reader: z.string().optional(),
  officer: z.string().optional(),
  issuanceJobId: z.string().optional(),
  cardSerial: z.number().int().optional(),
  citizenId: z.string().optional(),
  status: z.enum(['running', 'interrupted', 'completed', 'failed', 'cancelled']),
  completedSteps: z.array(z.string()),
  steps: z.array(z.object({ name: z.string(), title: z.string(), status: z.enum(['done', 'running', 'waiting-for-pin', 'pending']) })).optional(),
  attempt: z.number().int().optional(),
  lastError: z.string().optional(),
  certificates: z.array(z.object({ slot: z.string(), serialHex: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const serialParams = z.object({ serial: z.string().regex(/^\d{1,10}$/, 'a card serial (decimal)') });
const noteBody = z.object({ note: text(500, { multiLine: true }).optional() }).strict();

function citizenOut(c: Citizen): z.infer<typeof citizenSchema> {
  return {
    id: c.id,
    nationalId: c.nationalId,
    surname: c.surname,
    givenName: c.givenName,
    ...(c.surnameLatin === undefined ? {} : { surnameLatin: c.surnameLatin }),
    ...(c.givenNameLatin === undefined ? {} : { givenNameLatin: c.givenNameLatin }),
    birthDate: c.birthDate,
    country: c.country,
  };
}
function certOut(c: CertificateRecord): z.infer<typeof certificateSchema> {
  return {
    serialHex: c.serialHex,
    slot: c.slot.toString(16),
    status: c.status,
    ...(c.revocationReason === undefined ? {} : { revocationReason: c.revocationReason }),
    ...(c.statusChangedAt === undefined ? {} : { statusChangedAt: c.statusChangedAt.toISOString() }),
    notAfter: c.notAfter.toISOString(),
  };
}
function jobOut(j: JobRecord): z.infer<typeof jobSchema> {
  return {
    id: j.id,
    cardSerial: j.cardSerial,
    citizenId: j.citizenId,
    status: j.status,
    completedSteps: [...j.completedSteps],
    attempt: j.attempt,
    ...(j.lastError === undefined ? {} : { lastError: j.lastError }),
    certificates: (j.data.certificates ?? []).map((c) => ({ slot: c.slot.toString(16), serialHex: c.serialHex })),
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  };
}

function parseSerial(s: string): CardSerial {
  try {
    return cardSerial(Number(s));
  } catch (cause) {
    throw new AppError('invalid_request', 'serial: not a card serial', 400, { cause });
  }
}

export function issuanceRoutes(deps: IssuanceRouteDeps): AnyRoute[] {
  async function cardView(serial: CardSerial): Promise<z.infer<typeof cardSchema>> {
    const card = await deps.registry.getCard(serial);
    if (card === undefined) throw issuanceError('card_not_found', `No issued card ${serial}`);
    const certs = await deps.registry.certificatesOf(serial);
    return {
      serial: card.serial,
      uuid: card.uuid,
      citizenId: card.citizenId,
      status: card.status,
      issuedAt: card.issuedAt.toISOString(),
      expiresAt: card.expiresAt.toISOString(),
      ...(card.replacesSerial === undefined ? {} : { replacesSerial: card.replacesSerial }),
      certificates: certs.map(certOut),
    };
  }
  const tags = ['issuance'];
  /** A lifecycle action on one card that takes only an optional note. */
  const noteRoute = (
    action: string,
    operationId: string,
    summary: string,
    change: (d: IssuanceRouteDeps, serial: CardSerial, actor: Actor, note: string | undefined) => Promise<unknown>,
  ): AnyRoute =>
    defineRoute({
      method: 'post',
      path: `/v1/issuance/cards/:serial/${action}`,
      operationId,
      summary,
      tags,
      auth: deps.auth,
      params: serialParams,
      body: noteBody,
      responses: { 200: { description: 'Card after the change', schema: cardSchema }, 401: problem, 403: problem, 404: problem, 409: problem },
      async handle({ params, body, principal }) {
        const serial = parseSerial(params.serial);
        await change(deps, serial, principal, body.note);
        return { body: await cardView(serial) };
      },
    });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/issuance/citizens',
      operationId: 'enrolCitizen',
      summary: 'Enrol a citizen (flow 1 step 1)',
      tags,
      auth: deps.auth,
      body: citizenInputSchema,
      responses: { 201: { description: 'Enrolled', schema: citizenSchema }, 400: problem, 401: problem, 403: problem, 409: problem },
      async handle({ body, principal }) {
        return { status: 201, body: citizenOut(await enrolCitizen(deps, body, principal)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/citizens',
      operationId: 'searchCitizens',
      summary: 'Find citizens by surname prefix (in the national script or in Latin letters)',
      tags,
      auth: deps.auth,
      query: z.object({ surname: text(64, { min: 1 }).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      responses: { 200: { description: 'Citizens', schema: z.object({ citizens: z.array(citizenSchema) }) }, 401: problem, 403: problem },
      async handle({ query, principal }) {
        requirePermission(principal, 'citizen.read');
        const list = await deps.registry.searchCitizens({ ...(query.surname === undefined ? {} : { surname: query.surname }), limit: query.limit });
        return { body: { citizens: list.map(citizenOut) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/citizens/:nationalId',
      operationId: 'getCitizen',
      summary: 'A citizen and their active card',
      tags,
      auth: deps.auth,
      params: z.object({ nationalId: text(40, { min: 1 }) }),
      responses: {
        200: { description: 'Citizen', schema: z.object({ citizen: citizenSchema, activeCard: cardSchema.nullable() }) },
        401: problem,
        403: problem,
        404: problem,
      },
      async handle({ params, principal }) {
        requirePermission(principal, 'citizen.read');
        const c = await deps.registry.findCitizen(parseNationalId(params.nationalId));
        if (c === undefined) throw issuanceError('citizen_not_found', 'No citizen with this national ID');
        const active = await deps.registry.activeCardOf(c.id);
        return { body: { citizen: citizenOut(c), activeCard: active === undefined ? null : await cardView(active.serial) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/jobs',
      operationId: 'listIssuanceJobs',
      summary: 'Personalisation jobs (e.g. interrupted ones to resume at a station)',
      tags,
      auth: deps.auth,
      query: z.object({
        status: z.enum(['running', 'interrupted', 'completed', 'failed', 'cancelled']).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
      responses: { 200: { description: 'Jobs', schema: z.object({ jobs: z.array(jobSchema) }) }, 401: problem, 403: problem },
      async handle({ query, principal }) {
        requirePermission(principal, 'card.read');
        const jobs = await deps.registry.listJobs({ ...(query.status === undefined ? {} : { status: query.status }), limit: query.limit });
        return { body: { jobs: jobs.map(jobOut) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/jobs/:id',
      operationId: 'getIssuanceJob',
      summary: 'Status of one personalisation job, step by step',
      tags,
      auth: deps.auth,
      params: z.object({ id: z.string().refine(isJobId, 'a job id (UUID)') }),
      responses: { 200: { description: 'Job', schema: jobSchema }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal }) {
        requirePermission(principal, 'card.read');
        const atStation = await deps.stationJobView?.(params.id);
        if (atStation !== undefined) return { body: atStation };
        const j = isJobId(params.id) ? await deps.registry.getJob(params.id) : undefined;
        if (j === undefined) throw issuanceError('issuance_job_not_found', 'No such issuance job');
        return { body: jobOut(j) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/cards/:serial',
      operationId: 'getCard',
      summary: 'An issued card and the status of its certificates',
      tags,
      auth: deps.auth,
      params: serialParams,
      responses: { 200: { description: 'Card', schema: cardSchema }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal }) {
        requirePermission(principal, 'card.read');
        return { body: await cardView(parseSerial(params.serial)) };
      },
    }),
    noteRoute('suspend', 'suspendCard', 'Suspend a card (certificateHold)', suspendCard),
    noteRoute('resume', 'resumeCard', 'Lift a suspension', resumeCard),
    defineRoute({
      method: 'post',
      path: '/v1/issuance/cards/:serial/revoke',
      operationId: 'revokeCard',
      summary: 'Revoke a card (RFC 5280 reason; keyCompromise needs an approval id)',
      tags,
      auth: deps.auth,
      params: serialParams,
      body: z
        .object({ reason: z.enum(revocationReasons), approvalId: text(100, { min: 1 }).optional(), note: text(500, { multiLine: true }).optional() })
        .strict(),
      responses: { 200: { description: 'Card after the change', schema: cardSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      async handle({ params, body, principal }) {
        const serial = parseSerial(params.serial);
        await revokeCard(deps, serial, body.reason, principal, {
          ...(body.approvalId === undefined ? {} : { approvalId: body.approvalId }),
          ...(body.note === undefined ? {} : { note: body.note }),
        });
        return { body: await cardView(serial) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/issuance/cards/expire',
      operationId: 'expireCards',
      summary: 'Mark cards past their expiry date as expired',
      tags,
      auth: deps.auth,
      body: z.object({}).strict(),
      responses: { 200: { description: 'Serials expired now', schema: z.object({ expired: z.array(z.number().int()) }) }, 401: problem, 403: problem },
      async handle({ principal }) {
        return { body: { expired: await expireCards(deps, principal) } };
      },
    }),
  ];
}

