// An in-memory IssuanceRegistry with the same rules as the SQL one (one open
// job per card, version-checked job changes, commit all-or-nothing). For fast
// unit tests of the engine and lifecycle; the SQL adapter is tested against
// PGlite and PostgreSQL with the same behaviour tests.
import { randomUUID } from 'node:crypto';
import { registryError } from '../../registry/codes.js';
import { issuanceError } from '../codes.js';
import type {
  Actor,
  CardRecord,
  CertificateRecord,
  CertificateStatusChange,
  IssuanceCommit,
  IssuanceRegistry,
  JobRecord,
  StockCard,
  StockStatus,
} from '../ports/registry.js';
import type { CardSerial, Citizen, JobId } from '../types.js';

export interface MemoryAuditEntry {
  readonly action: string;
  readonly actor: string;
  readonly subject: string;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
}

export class MemoryIssuanceRegistry implements IssuanceRegistry {
  readonly citizens = new Map<string, Citizen>();
  readonly stock = new Map<number, { serial: CardSerial; status: StockStatus; attestationCertDer: Uint8Array | undefined; jobId?: string }>();
  readonly jobs = new Map<string, JobRecord>();
  readonly cards = new Map<number, CardRecord>();
  readonly certificates = new Map<string, CertificateRecord>();
  readonly audit: MemoryAuditEntry[] = [];
  /** Test seam: make the next matching operation fail like a database error. */
  failNext: ((operation: string) => boolean) | undefined;

  #fault(operation: string): void {
    if (this.failNext?.(operation)) {
      this.failNext = undefined;
      throw new Error(`simulated database failure in ${operation}`);
    }
  }

  addStock(serial: CardSerial, attestationCertDer?: Uint8Array): void {
    this.stock.set(serial, { serial, status: 'available', attestationCertDer });
  }

  async receiveStock(card: Parameters<IssuanceRegistry['receiveStock']>[0], actor: Actor, now: Date): Promise<StockCard> {
    this.#fault('receiveStock');
    if (this.stock.has(card.serial)) throw registryError('card_stock_exists', 'A card with this serial is already in the stock');
    const row: StockCard = { serial: card.serial, status: 'available', attestationCertDer: card.attestationCertDer };
    this.stock.set(card.serial, row);
    this.audit.push({ action: 'stock.receive', actor: actor.staffId, subject: `card:${card.serial}`, detail: { manufacturer: card.manufacturer }, at: now });
    return row;
  }

  async createCitizen(c: Parameters<IssuanceRegistry['createCitizen']>[0], actor: Actor, now: Date): Promise<Citizen> {
    this.#fault('createCitizen');
    if ([...this.citizens.values()].some((x) => x.nationalId === c.nationalId)) {
      throw issuanceError('citizen_exists', 'A citizen with this national ID is already enrolled');
    }
    const citizen: Citizen = { id: randomUUID(), ...c };
    this.citizens.set(citizen.id, citizen);
    this.audit.push({ action: 'citizen.enrol', actor: actor.staffId, subject: citizen.id, detail: { nationalId: c.nationalId }, at: now });
    return citizen;
  }
  async findCitizen(nationalId: string): Promise<Citizen | undefined> {
    return [...this.citizens.values()].find((c) => c.nationalId === nationalId);
  }
  async findCitizenById(id: string): Promise<Citizen | undefined> {
    return this.citizens.get(id);
  }
  async searchCitizens(q: { surname?: string; limit: number }): Promise<Citizen[]> {
    const s = q.surname?.toLowerCase();
    return [...this.citizens.values()].filter((c) => s === undefined || c.surname.toLowerCase().startsWith(s) || (c.surnameLatin?.toLowerCase().startsWith(s) ?? false)).slice(0, q.limit);
  }
  async getStock(serial: CardSerial): Promise<StockCard | undefined> {
    const s = this.stock.get(serial);
    return s === undefined ? undefined : { serial: s.serial, status: s.status, attestationCertDer: s.attestationCertDer };
  }
  async openJob(input: Parameters<IssuanceRegistry['openJob']>[0]): Promise<JobRecord> {
    this.#fault('openJob');
    if ([...this.jobs.values()].some((j) => j.cardSerial === input.cardSerial && (j.status === 'running' || j.status === 'interrupted'))) {
      throw issuanceError('issuance_in_progress', 'Another personalisation of this card is running');
    }
    const s = this.stock.get(input.cardSerial);
    if (s === undefined || s.status !== 'available') {
      throw issuanceError('card_not_in_stock', `Card ${input.cardSerial} is not an available blank card in the stock`, {
        detail: { stockStatus: s?.status ?? 'absent' },
      });
    }
    const job: JobRecord = {
      id: input.id,
      cardSerial: input.cardSerial,
      citizenId: input.citizenId,
      status: 'running',
      completedSteps: [],
      data: input.data,
      options: input.options,
      version: 1,
      attempt: 1,
      leaseUntil: input.leaseUntil,
      lastError: undefined,
      createdBy: input.actor.staffId,
      createdAt: input.now,
      updatedAt: input.now,
    };
    s.status = 'reserved';
    s.jobId = job.id;
    this.jobs.set(job.id, job);
    return job;
  }
  async getJob(id: JobId): Promise<JobRecord | undefined> {
    return this.jobs.get(id);
  }
  async findOpenJob(serial: CardSerial): Promise<JobRecord | undefined> {
    return [...this.jobs.values()].find((j) => j.cardSerial === serial && (j.status === 'running' || j.status === 'interrupted'));
  }
  async listJobs(q: { status?: JobRecord['status']; limit: number }): Promise<JobRecord[]> {
    return [...this.jobs.values()].filter((j) => q.status === undefined || j.status === q.status).slice(0, q.limit);
  }
  async updateJob(id: JobId, version: number, change: Parameters<IssuanceRegistry['updateJob']>[2]): Promise<JobRecord> {
    this.#fault('updateJob');
    const j = this.jobs.get(id);
    if (j === undefined) throw issuanceError('issuance_job_not_found', 'No such issuance job');
    if (j.version !== version) throw issuanceError('issuance_job_conflict', 'The issuance job was changed by another runner');
    const next: JobRecord = {
      ...j,
      status: change.status ?? j.status,
      completedSteps: change.completedSteps ?? j.completedSteps,
      data: change.data ?? j.data,
      attempt: change.attempt ?? j.attempt,
      leaseUntil: change.leaseUntil === undefined ? j.leaseUntil : (change.leaseUntil ?? undefined),
      lastError: change.lastError === undefined ? j.lastError : (change.lastError ?? undefined),
      version: j.version + 1,
      updatedAt: change.now,
    };
    if (change.stockStatus !== undefined) {
      const s = this.stock.get(j.cardSerial);
      if (s !== undefined) s.status = change.stockStatus;
    }
    this.jobs.set(id, next);
    return next;
  }
  async commitIssuance(c: IssuanceCommit): Promise<void> {
    this.#fault('commitIssuance');
    const j = this.jobs.get(c.jobId);
    if (j === undefined || j.version !== c.jobVersion) throw issuanceError('issuance_job_conflict', 'The issuance job was changed by another runner');
    // All checks first, then all writes: nothing half-done.
    if (c.card.replacesSerial !== undefined) {
      const old = this.cards.get(c.card.replacesSerial);
      if (old === undefined) throw issuanceError('card_not_found', 'The replaced card does not exist');
    }
    if (c.card.replacesSerial !== undefined) {
      const old = this.cards.get(c.card.replacesSerial)!;
      this.cards.set(old.serial, { ...old, status: 'superseded' });
      for (const [k, cert] of this.certificates) {
        if (cert.cardSerial === old.serial && cert.status !== 'revoked') {
          this.certificates.set(k, { ...cert, status: 'revoked', revocationReason: 'superseded', statusChangedAt: c.now });
        }
      }
    }
    this.cards.set(c.card.serial, { ...c.card });
    for (const cert of c.certificates) {
      this.certificates.set(cert.serialHex, {
        serialHex: cert.serialHex,
        cardSerial: c.card.serial,
        slot: cert.slot,
        status: c.certificateStatus,
        revocationReason: undefined,
        statusChangedAt: c.now,
        notAfter: cert.notAfter,
      });
    }
    const s = this.stock.get(c.card.serial);
    if (s !== undefined) s.status = 'issued';
    this.jobs.set(j.id, { ...j, status: 'completed', completedSteps: [...j.completedSteps, 'record'], leaseUntil: undefined, version: j.version + 1, updatedAt: c.now });
    this.audit.push({ action: 'card.issue', actor: c.actor.staffId, subject: String(c.card.serial), detail: { jobId: c.jobId }, at: c.now });
  }
  async getCard(serial: CardSerial): Promise<CardRecord | undefined> {
    return this.cards.get(serial);
  }
  async activeCardOf(citizenId: string): Promise<CardRecord | undefined> {
    return [...this.cards.values()].find(
      (c) => c.citizenId === citizenId && (c.status === 'active' || c.status === 'hold' || c.status === 'pending_activation'),
    );
  }
  async certificatesOf(serial: CardSerial): Promise<CertificateRecord[]> {
    return [...this.certificates.values()].filter((c) => c.cardSerial === serial);
  }
  async getCertificate(serialHex: string): Promise<CertificateRecord | undefined> {
    return this.certificates.get(serialHex);
  }
  async revokedCertificates(now: Date): Promise<CertificateRecord[]> {
    return [...this.certificates.values()].filter((c) => c.status !== 'good' && c.notAfter > now);
  }
  async changeCardStatus(ch: CertificateStatusChange): Promise<CertificateRecord[]> {
    this.#fault('changeCardStatus');
    const card = this.cards.get(ch.cardSerial);
    if (card === undefined) throw issuanceError('card_not_found', `No issued card ${ch.cardSerial}`);
    if (!ch.fromCardStatus.includes(card.status)) {
      throw issuanceError('card_state_invalid', `Card ${ch.cardSerial} is ${card.status}`, { detail: { status: card.status } });
    }
    this.cards.set(card.serial, { ...card, status: ch.cardStatus });
    const out: CertificateRecord[] = [];
    for (const [k, cert] of this.certificates) {
      if (cert.cardSerial !== ch.cardSerial) continue;
      if (ch.from.includes(cert.status)) {
        const next: CertificateRecord = {
          ...cert,
          status: ch.certificates.status,
          revocationReason: ch.certificates.status === 'revoked' ? ch.certificates.reason : undefined,
          statusChangedAt: ch.now,
        };
        this.certificates.set(k, next);
        out.push(next);
      } else out.push(cert);
    }
    this.audit.push({ action: ch.auditAction, actor: ch.actor.staffId, subject: String(ch.cardSerial), detail: ch.auditDetail, at: ch.now });
    return out;
  }
  async recordCardEvent(serial: CardSerial, action: string, detail: Record<string, unknown>, actor: Actor, now: Date): Promise<void> {
    this.#fault('recordCardEvent');
    this.audit.push({ action, actor: actor.staffId, subject: String(serial), detail, at: now });
  }
  async cardsExpiredBy(now: Date, limit: number): Promise<CardRecord[]> {
    return [...this.cards.values()]
      .filter((c) => c.expiresAt <= now && (c.status === 'active' || c.status === 'hold' || c.status === 'pending_activation'))
      .slice(0, limit);
  }
}
