import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import type * as routes from './accounts.routes';
import * as deliveryLocations from './delivery-locations.service';
import * as invitations from './invitations.service';
import * as members from './members.service';
import * as organizations from './organizations.service';
import {
  requireActor,
  requireAdmin,
  requireBuyerPurchaser,
  requireMemberRemoval,
  requireOrgMember,
  requireOrgOwner,
} from './policy';
import * as verification from './verification.service';

/** Thin handlers: authorise through policy.ts, call a service, shape the response. */
type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const me: Handler<typeof routes.me> = (c) => {
  const actor = requireActor(c);
  return c.json(
    {
      user: { id: actor.userId, email: actor.email, name: actor.name, isAdmin: actor.isAdmin },
      memberships: actor.memberships,
    },
    200,
  );
};

export const createOrganization: Handler<typeof routes.createOrganization> = async (c) => {
  const actor = requireActor(c);
  const row = await organizations.createOrganization(c.var.db, actor, c.req.valid('json'));
  // The creator is the owner from now on, though the actor was loaded before the insert.
  return c.json({ ...organizations.organizationView(row, actor), myRole: 'owner' as const }, 201);
};

export const getOrganization: Handler<typeof routes.getOrganization> = async (c) => {
  const { id } = c.req.valid('param');
  requireOrgMember(c, id);
  const row = await organizations.getOrganization(c.var.db, id);
  return c.json(organizations.organizationView(row, c.var.actor), 200);
};

export const updateOrganization: Handler<typeof routes.updateOrganization> = async (c) => {
  const { id } = c.req.valid('param');
  requireOrgOwner(c, id);
  const row = await organizations.updateOrganizationProfile(c.var.db, requireActor(c), id, c.req.valid('json'));
  return c.json(organizations.organizationView(row, c.var.actor), 200);
};

export const listMembers: Handler<typeof routes.listMembers> = async (c) => {
  const { id } = c.req.valid('param');
  requireOrgMember(c, id);
  return c.json(await members.listMembers(c.var.db, id, c.req.valid('query')), 200);
};

export const updateMember: Handler<typeof routes.updateMember> = async (c) => {
  const { id, memberId } = c.req.valid('param');
  requireOrgOwner(c, id);
  return c.json(await members.updateMember(c.var.db, requireActor(c), id, memberId, c.req.valid('json')), 200);
};

export const removeMember: Handler<typeof routes.removeMember> = async (c) => {
  const { id, memberId } = c.req.valid('param');
  requireOrgMember(c, id);
  const target = await members.getMember(c.var.db, id, memberId);
  requireMemberRemoval(c, id, target.userId);
  await members.removeMember(c.var.db, requireActor(c), id, memberId);
  return c.body(null, 204);
};

export const createInvitation: Handler<typeof routes.createInvitation> = async (c) => {
  const { id } = c.req.valid('param');
  requireOrgOwner(c, id);
  return c.json(await invitations.createInvitation(c.var.db, requireActor(c), c.env.APP_URL, id, c.req.valid('json')), 201);
};

export const listInvitations: Handler<typeof routes.listInvitations> = async (c) => {
  const { id } = c.req.valid('param');
  requireOrgOwner(c, id);
  return c.json(await invitations.listInvitations(c.var.db, c.env.APP_URL, id, c.req.valid('query')), 200);
};

export const cancelInvitation: Handler<typeof routes.cancelInvitation> = async (c) => {
  const { id, invitationId } = c.req.valid('param');
  requireOrgOwner(c, id);
  await invitations.cancelInvitation(c.var.db, requireActor(c), id, invitationId);
  return c.body(null, 204);
};

export const getInvitation: Handler<typeof routes.getInvitation> = async (c) => {
  const { id } = c.req.valid('param');
  return c.json(await invitations.getInvitationFor(c.var.db, requireActor(c), c.env.APP_URL, id), 200);
};

export const acceptInvitation: Handler<typeof routes.acceptInvitation> = async (c) => {
  const { id } = c.req.valid('param');
  return c.json(await invitations.acceptInvitation(c.var.db, requireActor(c), id), 200);
};

export const listLocations: Handler<typeof routes.listLocations> = async (c) => {
  const { id } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await deliveryLocations.listLocations(c.var.db, id, c.req.valid('query')), 200);
};

export const createLocation: Handler<typeof routes.createLocation> = async (c) => {
  const { id } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await deliveryLocations.createLocation(c.var.db, id, c.req.valid('json')), 201);
};

export const getLocation: Handler<typeof routes.getLocation> = async (c) => {
  const { id, locationId } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await deliveryLocations.getLocation(c.var.db, id, locationId), 200);
};

export const updateLocation: Handler<typeof routes.updateLocation> = async (c) => {
  const { id, locationId } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await deliveryLocations.updateLocation(c.var.db, id, locationId, c.req.valid('json')), 200);
};

export const deleteLocation: Handler<typeof routes.deleteLocation> = async (c) => {
  const { id, locationId } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  await deliveryLocations.deleteLocation(c.var.db, id, locationId);
  return c.body(null, 204);
};

export const adminListOrganizations: Handler<typeof routes.adminListOrganizations> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await verification.listOrganizationsForAdmin(c.var.db, actor, c.req.valid('query')), 200);
};

export const adminVerify: Handler<typeof routes.adminVerify> = async (c) => {
  const actor = requireAdmin(c);
  const row = await verification.changeOrganizationStatus(c.var.db, actor, c.req.valid('param').id, 'verify');
  return c.json(organizations.organizationView(row, actor), 200);
};

export const adminSuspend: Handler<typeof routes.adminSuspend> = async (c) => {
  const actor = requireAdmin(c);
  const row = await verification.changeOrganizationStatus(c.var.db, actor, c.req.valid('param').id, 'suspend');
  return c.json(organizations.organizationView(row, actor), 200);
};

export const adminCreditTerms: Handler<typeof routes.adminCreditTerms> = async (c) => {
  const actor = requireAdmin(c);
  const row = await verification.setCreditTerms(c.var.db, actor, c.req.valid('param').id, c.req.valid('json'));
  return c.json(organizations.organizationView(row, actor), 200);
};
