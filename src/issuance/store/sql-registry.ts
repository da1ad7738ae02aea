// IssuanceRegistry over the registry's SQL repositories (src/registry/repos,
// PostgreSQL or PGlite through the Sql port). Every multi-row change is one
// transaction with its audit entries (the repositories append them); row
// locks (SELECT … FOR UPDATE) and the one-open-job-per-card unique index keep
// two runners apart.
import type { Database, Sql } from '../../registry/sql.js';
import { appendAudit } from '../../registry/audit/append.js';
import type { AuditData } from '../../registry/audit/canonical.js';
import { receiveStock, setStockStatus, stockBySerial } from '../../registry/repos/card-stock.js';
import { cardBySerial, cardsExpiredBy, insertCard, liveCardOf, setCardStatus, type CardRow } from '../../registry/repos/cards.js';
import {
  certificateBySerial,
  certificatesOfCard,
  insertCertificate,
  listRevokedOrHeld,
  setCertificatesStatus,
  type CertificateRow,
} from '../../registry/repos/certificates.js';
import { citizenById, citizenByNationalId, insertCitizen, searchCitizens, type CitizenRow } from '../../registry/repos/citizens.js';
import { insertJob, jobById, listJobs, openJobOfCard, updateJobIfVersion, type JobRow } from '../../registry/repos/issuance-jobs.js';
import { issuanceError } from '../codes.js';
import { cardEventOfAuditAction } from '../../webhooks/events.js';
import { enqueueCardEvent } from '../../webhooks/repo/enqueue-event.js';
import type { JobData, JobOptions, StepName } from '../engine/job.js';
import type {
  CardRecord,
  CertificateRecord,
  CertificateStatusChange,
  IssuanceCommit,
  IssuanceRegistry,
  JobRecord,
  StockCard,
} from '../ports/registry.js';
import type { CardSerial, CardUuid, CertSerialHex, Citizen, JobId, NationalId } from '../types.js';

const citizenOf = (r: CitizenRow): Citizen => ({
  id: r.id,
  nationalId: r.nationalId as NationalId,
  surname: r.surname,
  givenName: r.givenName,
  ...(r.surnameLatin === undefined ? {} : { surnameLatin: r.surnameLatin }),
  ...(r.givenNameLatin === undefined ? {} : { givenNameLatin: r.givenNameLatin }),
  birthDate: r.birthDate,
  country: r.country,
});

const jobOf = (r: JobRow): JobRecord => ({
  id: r.id as JobId,
  cardSerial: r.cardSerial as CardSerial,
  citizenId: r.citizenId,
  status: r.status,
  completedSteps: r.completedSteps as StepName[],
  data: r.data as JobData,
  options: r.options as JobOptions,
  version: r.version,
  attempt: r.attempt,
  leaseUntil: r.leaseUntil,
  lastError: r.lastError,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const cardOf = (r: CardRow): CardRecord => ({
  serial: r.serial as CardSerial,
  uuid: r.uuid as CardUuid,
  citizenId: r.citizenId,
  status: r.status,
  expiresAt: r.expiresAt,
  issuedAt: r.issuedAt,
  jobId: r.jobId as JobId | undefined,
  replacesSerial: r.replacesSerial as CardSerial | undefined,
});

const certOf = (r: CertificateRow): CertificateRecord => ({
  serialHex: r.serialHex as CertSerialHex,
  cardSerial: r.cardSerial as CardSerial,
  slot: r.slot,
  status: r.status,
  revocationReason: r.revocationReason,
  statusChangedAt: r.statusChangedAt,
  notAfter: r.notAfter,
});

function conflict(): Error {
  return issuanceError('issuance_job_conflict', 'The issuance job was changed by another runner');
}

export function sqlIssuanceRegistry(db: Database | Sql): IssuanceRegistry {
  return {
    async createCitizen(c, actor, now) {
      return citizenOf(await insertCitizen(db, c, actor.staffId, now));
    },
    async findCitizen(nationalId) {
      const r = await citizenByNationalId(db, nationalId);
      return r && citizenOf(r);
    },
    async findCitizenById(id) {
      const r = await citizenById(db, id);
      return r && citizenOf(r);
    },
    async searchCitizens(q) {
      return (await searchCitizens(db, q)).map(citizenOf);
    },
    async getStock(serial): Promise<StockCard | undefined> {
      const r = await stockBySerial(db, serial);
      return r && { serial: r.serial as CardSerial, status: r.status, attestationCertDer: r.attestationCertDer };
    },
    async receiveStock(card, actor, now): Promise<StockCard> {
      const r = await receiveStock(db, card, actor.staffId, now);
      return { serial: r.serial as CardSerial, status: r.status, attestationCertDer: r.attestationCertDer };
    },
    async openJob(input) {
      return db.transaction(async (tx) => {
        const stock = await stockBySerial(tx, input.cardSerial, { forUpdate: true });
        if (await openJobOfCard(tx, input.cardSerial)) throw issuanceError('issuance_in_progress', 'Another personalisation of this card is running');
        if (stock === undefined || stock.status !== 'available') {
          throw issuanceError('card_not_in_stock', `Card ${input.cardSerial} is not an available blank card in the stock`, {
            detail: { stockStatus: stock?.status ?? 'absent' },
          });
        }
        await setStockStatus(tx, input.cardSerial, ['available'], 'reserved', input.actor.staffId, input.now);
        return jobOf(
          await insertJob(
            tx,
            { id: input.id, cardSerial: input.cardSerial, citizenId: input.citizenId, data: input.data, options: input.options, createdBy: input.actor.staffId, leaseUntil: input.leaseUntil },
            input.now,
          ),
        );
      });
    },
    async getJob(id) {
      const r = await jobById(db, id);
      return r && jobOf(r);
    },
    async findOpenJob(serial) {
      const r = await openJobOfCard(db, serial);
      return r && jobOf(r);
    },
    async listJobs(q) {
      return (await listJobs(db, q)).map(jobOf);
    },
    async updateJob(id, version, change) {
      return db.transaction(async (tx) => {
        const r = await updateJobIfVersion(
          tx,
          id,
          version,
          {
            ...(change.status === undefined ? {} : { status: change.status }),
            ...(change.completedSteps === undefined ? {} : { completedSteps: change.completedSteps }),
            ...(change.data === undefined ? {} : { data: change.data }),
            ...(change.attempt === undefined ? {} : { attempt: change.attempt }),
            ...(change.leaseUntil === undefined ? {} : { leaseUntil: change.leaseUntil }),
            ...(change.lastError === undefined ? {} : { lastError: change.lastError }),
          },
          change.now,
        );
        if (r === undefined) throw conflict();
        if (change.stockStatus !== undefined) {
          await setStockStatus(tx, r.cardSerial, ['reserved', 'available'], change.stockStatus, r.createdBy, change.now);
        }
        return jobOf(r);
      });
    },
    async commitIssuance(c: IssuanceCommit) {
      await db.transaction(async (tx) => {
        const job = await jobById(tx, c.jobId);
        if (job === undefined) throw conflict();
        const done = await updateJobIfVersion(
          tx,
          c.jobId,
          c.jobVersion,
          { status: 'completed', completedSteps: [...job.completedSteps, 'record'], leaseUntil: null, lastError: null },
          c.now,
        );
        if (done === undefined) throw conflict();
        const actor = c.actor.staffId;
        if (c.card.replacesSerial !== undefined) {
          const old = await cardBySerial(tx, c.card.replacesSerial, { forUpdate: true });
          if (old === undefined || !['active', 'hold', 'pending_activation'].includes(old.status)) {
            throw issuanceError('card_state_invalid', `Card ${c.card.replacesSerial} can no longer be replaced`);
          }
          await setCertificatesStatus(tx, old.serial, ['good', 'hold'], { status: 'revoked', reason: 'superseded' }, { actor, action: 'certificate.revoke', data: { reason: 'superseded', by: c.card.serial } }, c.now);
          // Relying parties the old card authenticated with learn it was replaced, in this transaction.
          await enqueueCardEvent(tx, { cardSerial: old.serial, type: 'card.replaced', at: c.now });
        }
        await insertCard(
          tx,
          {
            serial: c.card.serial,
            uuid: c.card.uuid,
            citizenId: c.card.citizenId,
            status: c.card.status,
            issuedAt: c.card.issuedAt,
            expiresAt: c.card.expiresAt,
            ...(c.card.jobId === undefined ? {} : { jobId: c.card.jobId }),
            ...(c.card.replacesSerial === undefined ? {} : { replacesSerial: c.card.replacesSerial }),
          },
          actor,
          c.now,
        );
        for (const cert of c.certificates) {
          await insertCertificate(
            tx,
            {
              serialHex: cert.serialHex,
              cardSerial: c.card.serial,
              slot: cert.slot,
              profile: cert.profile,
              der: cert.der,
              status: c.certificateStatus,
              notBefore: cert.notBefore,
              notAfter: cert.notAfter,
              ...(cert.attestationDer === undefined ? {} : { attestationDer: cert.attestationDer, attestedAt: c.now }),
            },
            actor,
            c.now,
          );
        }
        const stock = await setStockStatus(tx, c.card.serial, ['reserved'], 'issued', actor, c.now);
        if (stock === undefined) throw issuanceError('card_not_in_stock', `Card ${c.card.serial} is not reserved for this job`);
      });
    },
    async getCard(serial) {
      const r = await cardBySerial(db, serial);
      return r && cardOf(r);
    },
    async activeCardOf(citizenId) {
      const r = await liveCardOf(db, citizenId);
      return r && cardOf(r);
    },
    async certificatesOf(serial) {
      return (await certificatesOfCard(db, serial)).map(certOf);
    },
    async getCertificate(serialHex) {
      const r = await certificateBySerial(db, serialHex);
      return r && certOf(r);
    },
    async revokedCertificates(now) {
      const out: CertificateRecord[] = [];
      for (const e of await listRevokedOrHeld(db, now)) {
        const r = await certificateBySerial(db, e.serialHex);
        if (r) out.push(certOf(r));
      }
      return out;
    },
    async changeCardStatus(ch: CertificateStatusChange) {
      return db.transaction(async (tx) => {
        const card = await cardBySerial(tx, ch.cardSerial, { forUpdate: true });
        if (card === undefined) throw issuanceError('card_not_found', `No issued card ${ch.cardSerial}`);
        if (!ch.fromCardStatus.includes(card.status)) {
          throw issuanceError('card_state_invalid', `Card ${ch.cardSerial} is ${card.status}`, { detail: { status: card.status } });
        }
        const data = ch.auditDetail as AuditData;
        await setCardStatus(tx, ch.cardSerial, ch.fromCardStatus, ch.cardStatus, { actor: ch.actor.staffId, action: ch.auditAction, data }, ch.now);
        if (ch.from.length > 0) {
          await setCertificatesStatus(tx, ch.cardSerial, ch.from, ch.certificates, { actor: ch.actor.staffId, action: `certificate.${ch.certificates.status === 'revoked' ? 'revoke' : ch.certificates.status === 'hold' ? 'hold' : 'release'}`, data }, ch.now);
        }
        // Relying parties the card authenticated with learn of a suspension, resumption or revocation, in this transaction.
        const event = cardEventOfAuditAction[ch.auditAction];
        if (event !== undefined) {
          await enqueueCardEvent(tx, { cardSerial: ch.cardSerial, type: event, reason: ch.certificates.status === 'revoked' ? ch.certificates.reason : undefined, at: ch.now });
        }
        return (await certificatesOfCard(tx, ch.cardSerial)).map(certOf);
      });
    },
    async recordCardEvent(serial, action, detail, actor, now) {
      await db.transaction((tx) => appendAudit(tx, { actor: actor.staffId, action, subject: `card:${serial}`, data: detail as AuditData, at: now }));
    },
    async cardsExpiredBy(now, limit) {
      return (await cardsExpiredBy(db, now, limit)).map(cardOf);
    },
  };
}
