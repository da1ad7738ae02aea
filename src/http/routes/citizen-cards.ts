// A citizen's cards and a card's citizen: every card a citizen has held
// (GET /v1/issuance/citizens/{nationalId}/cards — the live one and the
// revoked, replaced, expired ones, oldest first), and the holder of a card
// (GET /v1/issuance/cards/{serial}/citizen), so staff go from one to the other.
import { z } from 'zod';
import { requirePermission } from '../../access/permissions.js';
import { issuanceError } from '../../issuance/codes.js';
import { parseNationalId } from '../../issuance/types.js';
import { cardBySerial, cardsOf } from '../../registry/repos/cards.js';
import { citizenById, citizenByNationalId, type CitizenRow } from '../../registry/repos/citizens.js';
import type { Sql } from '../../registry/sql.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

const citizenSchema = z.object({
  id: z.string(),
  nationalId: z.string(),
  surname: z.string(),
  givenName: z.string(),
  surnameLatin: z.string().optional(),
  givenNameLatin: z.string().optional(),
  birthDate: z.string(),
  country: z.string(),
});

function citizenOut(c: CitizenRow): z.infer<typeof citizenSchema> {
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

export function citizenCardRoutes(deps: { readonly sql: Sql; readonly auth: RouteAuth<StaffPrincipal> }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/issuance/citizens/:nationalId/cards',
      operationId: 'listCitizenCards',
      summary: 'Every card the citizen has held, oldest first',
      tags: ['issuance'],
      auth: deps.auth,
      params: z.object({ nationalId: z.string().min(1).max(40) }),
      responses: {
        200: {
          description: 'Cards',
          schema: z.object({
            cards: z.array(
              z.object({
                serial: z.number().int(),
                status: z.string(),
                issuedAt: z.string(),
                expiresAt: z.string(),
                replacesSerial: z.number().int().optional(),
                supersededBy: z.number().int().optional(),
              }),
            ),
          }),
        },
        401: problemResponse,
        403: problemResponse,
        404: problemResponse,
      },
      async handle({ params, principal }) {
        requirePermission(principal, 'card.read');
        const citizen = await citizenByNationalId(deps.sql, parseNationalId(params.nationalId));
        if (citizen === undefined) throw issuanceError('citizen_not_found', 'No citizen with this national ID');
        const cards = await cardsOf(deps.sql, citizen.id);
        return {
          body: {
            cards: cards.map((c) => ({
              serial: c.serial,
              status: c.status,
              issuedAt: c.issuedAt.toISOString(),
              expiresAt: c.expiresAt.toISOString(),
              ...(c.replacesSerial === undefined ? {} : { replacesSerial: c.replacesSerial }),
              ...(c.supersededBy === undefined ? {} : { supersededBy: c.supersededBy }),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/cards/:serial/citizen',
      operationId: 'getCardHolder',
      summary: 'The citizen a card was issued to',
      tags: ['issuance'],
      auth: deps.auth,
      params: z.object({ serial: z.string().regex(/^\d{1,10}$/, 'a card serial (decimal)') }),
      responses: { 200: { description: 'The holder', schema: z.object({ citizen: citizenSchema }) }, 401: problemResponse, 403: problemResponse, 404: problemResponse },
      async handle({ params, principal }) {
        requirePermission(principal, 'citizen.read');
        const card = await cardBySerial(deps.sql, Number(params.serial));
        if (card === undefined) throw issuanceError('card_not_found', `No issued card ${params.serial}`);
        const citizen = await citizenById(deps.sql, card.citizenId);
        if (citizen === undefined) throw issuanceError('citizen_not_found', 'No citizen for this card');
        return { body: { citizen: citizenOut(citizen) } };
      },
    }),
  ];
}
