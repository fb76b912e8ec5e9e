import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import type { Actor } from '../env';
import { newId } from './ids';

export type AuditInput = {
  actor: Actor | null;
  action: string;
  entityType: string;
  entityId: string;
  organizationId?: string | null;
  before?: unknown;
  after?: unknown;
  at?: number;
};

/**
 * The audit row for an admin or money-related action, as a statement to put in the same
 * `db.batch` as the change itself, so the log and the data cannot disagree.
 *
 * @example await db.batch([db.update(orders)..., auditEntry(db, { actor, action: 'order.refund', ... })])
 */
export function auditEntry(db: Db, input: AuditInput) {
  return db.insert(auditLog).values({
    id: newId('aud'),
    actorUserId: input.actor?.userId ?? null,
    actorLabel: input.actor ? `${input.actor.name} <${input.actor.email}>` : 'system',
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    organizationId: input.organizationId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    createdAt: input.at ?? Date.now(),
  });
}
