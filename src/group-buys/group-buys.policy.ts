import type { Context } from 'hono';
import { membershipOf, requireActor } from '../accounts';
import type { MemberRole } from '../db/schema';
import type { Actor, AppEnv } from '../env';
import { AppError } from '../lib/errors';
import type { GroupBuyRow } from './group-buys.queries';

/**
 * Who may do what to a group buy, built on the central policy helpers. Someone with no tie to the
 * group's organisations gets 404 (the management surfaces of a group buy do not exist for them).
 */
const MANAGERS: readonly MemberRole[] = ['owner', 'purchaser'];
const STAFF: readonly MemberRole[] = ['owner', 'purchaser', 'member'];

function roleIn(actor: Actor, organizationId: string, roles: readonly MemberRole[]): boolean | undefined {
  const membership = membershipOf(actor, organizationId);
  return membership ? roles.includes(membership.role) : undefined;
}

function decide(actor: Actor, group: GroupBuyRow, checks: (boolean | undefined)[], what: string): Actor {
  if (actor.isAdmin || checks.some((ok) => ok === true)) return actor;
  if (checks.every((ok) => ok === undefined)) throw new AppError('not_found', `Group buy ${group.id} not found`);
  throw new AppError('forbidden', `Your role may not ${what}`);
}

/** Close, see the management page: the organiser's owner or purchaser, or a platform admin. */
export function requireGroupBuyManager(c: Context<AppEnv>, group: GroupBuyRow): Actor {
  const actor = requireActor(c);
  return decide(actor, group, [roleIn(actor, group.organizerOrganizationId, MANAGERS)], 'manage this group buy');
}

/** The pickup desk: staff (owner, purchaser, member) of the pickup organisation, or an admin. */
export function requirePickupStaff(c: Context<AppEnv>, group: GroupBuyRow): Actor {
  const actor = requireActor(c);
  return decide(actor, group, [roleIn(actor, group.pickupOrganizationId, STAFF)], 'run the pickup desk');
}

/** The pickup list: the organiser's staff and the pickup point's staff, or an admin. */
export function requireGroupBuyStaff(c: Context<AppEnv>, group: GroupBuyRow): Actor {
  const actor = requireActor(c);
  return decide(
    actor,
    group,
    [roleIn(actor, group.organizerOrganizationId, STAFF), roleIn(actor, group.pickupOrganizationId, STAFF)],
    'see this pickup list',
  );
}

export function canManage(actor: Actor | null, group: GroupBuyRow): boolean {
  return Boolean(actor && (actor.isAdmin || roleIn(actor, group.organizerOrganizationId, MANAGERS)));
}

export function canRunDesk(actor: Actor | null, group: GroupBuyRow): boolean {
  return Boolean(actor && (actor.isAdmin || roleIn(actor, group.pickupOrganizationId, STAFF)));
}
