import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../lib/errors';
import { adminOnly, signedIn } from './policy';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import {
  acceptedInvitationSchema,
  adminListQuery,
  createInvitationSchema,
  createLocationSchema,
  createOrganizationSchema,
  creditTermsSchema,
  idParam,
  invitationParams,
  invitationSchema,
  locationParams,
  locationSchema,
  meSchema,
  memberParams,
  memberSchema,
  organizationIdParams,
  organizationSchema,
  updateLocationSchema,
  updateMemberSchema,
  updateOrganizationSchema,
} from './accounts.schemas';

const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } }, required: true as const });
const ok = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const pageQuery = z.object({ limit: limitSchema, cursor: cursorSchema });
const security = [{ bearerAuth: [] }];
/** Every route here needs a signed-in user; admin routes an admin. Checked before input validation. */
const user = { security, middleware: signedIn };
const admin = { security, middleware: adminOnly };

export const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Accounts'],
  summary: 'The signed-in user and their organisations',
  ...user,
  responses: { 200: ok('You', meSchema), ...errorResponses },
});

// ----- organisations ------------------------------------------------------------------------------

export const createOrganization = createRoute({
  method: 'post',
  path: '/organizations',
  tags: ['Organisations'],
  summary: 'Found an organisation (pending until a platform admin verifies it); you become its owner',
  ...user,
  request: { body: json(createOrganizationSchema) },
  responses: { 201: ok('Created', organizationSchema), ...errorResponses },
});

export const getOrganization = createRoute({
  method: 'get',
  path: '/organizations/{id}',
  tags: ['Organisations'],
  summary: 'An organisation you belong to (admins: any)',
  ...user,
  request: { params: organizationIdParams },
  responses: { 200: ok('The organisation', organizationSchema), ...errorResponses },
});

export const updateOrganization = createRoute({
  method: 'patch',
  path: '/organizations/{id}',
  tags: ['Organisations'],
  summary: 'Owner: edit the profile (invoice title, tax id, target, addresses, contact)',
  ...user,
  request: { params: organizationIdParams, body: json(updateOrganizationSchema) },
  responses: { 200: ok('Updated', organizationSchema), ...errorResponses },
});

export const listMembers = createRoute({
  method: 'get',
  path: '/organizations/{id}/members',
  tags: ['Organisations'],
  summary: 'Members of an organisation you belong to',
  ...user,
  request: { params: organizationIdParams, query: pageQuery },
  responses: { 200: ok('A page of members', pageSchema(memberSchema)), ...errorResponses },
});

export const updateMember = createRoute({
  method: 'patch',
  path: '/organizations/{id}/members/{memberId}',
  tags: ['Organisations'],
  summary: "Owner: change a member's role or a purchaser's per-order limit",
  ...user,
  request: { params: memberParams, body: json(updateMemberSchema) },
  responses: { 200: ok('Updated', memberSchema), ...errorResponses },
});

export const removeMember = createRoute({
  method: 'delete',
  path: '/organizations/{id}/members/{memberId}',
  tags: ['Organisations'],
  summary: 'Owner: remove a member (any member may remove themself); never the last owner',
  ...user,
  request: { params: memberParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

// ----- invitations --------------------------------------------------------------------------------

export const createInvitation = createRoute({
  method: 'post',
  path: '/organizations/{id}/invitations',
  tags: ['Invitations'],
  summary: 'Owner: invite an e-mail address with a role; returns the link to pass on',
  ...user,
  request: { params: organizationIdParams, body: json(createInvitationSchema) },
  responses: { 201: ok('Created', invitationSchema), ...errorResponses },
});

export const listInvitations = createRoute({
  method: 'get',
  path: '/organizations/{id}/invitations',
  tags: ['Invitations'],
  summary: "Owner: the organisation's invitations, newest first",
  ...user,
  request: { params: organizationIdParams, query: pageQuery },
  responses: { 200: ok('A page of invitations', pageSchema(invitationSchema)), ...errorResponses },
});

export const cancelInvitation = createRoute({
  method: 'delete',
  path: '/organizations/{id}/invitations/{invitationId}',
  tags: ['Invitations'],
  summary: 'Owner: withdraw a pending invitation',
  ...user,
  request: { params: invitationParams },
  responses: { 204: { description: 'Withdrawn' }, ...errorResponses },
});

const invitationIdParams = z.object({ id: idParam('id', 'inv_x') });

export const getInvitation = createRoute({
  method: 'get',
  path: '/invitations/{id}',
  tags: ['Invitations'],
  summary: 'The invitation addressed to you',
  ...user,
  request: { params: invitationIdParams },
  responses: { 200: ok('The invitation', invitationSchema), ...errorResponses },
});

export const acceptInvitation = createRoute({
  method: 'post',
  path: '/invitations/{id}/accept',
  tags: ['Invitations'],
  summary: 'Accept an invitation addressed to your e-mail (once, before it expires)',
  ...user,
  request: { params: invitationIdParams },
  responses: { 200: ok('You are now a member', acceptedInvitationSchema), ...errorResponses },
});

// ----- delivery locations -------------------------------------------------------------------------

export const listLocations = createRoute({
  method: 'get',
  path: '/organizations/{id}/delivery-locations',
  tags: ['Delivery locations'],
  summary: "Owner or purchaser: the buyer organisation's delivery locations",
  ...user,
  request: { params: organizationIdParams, query: pageQuery },
  responses: { 200: ok('A page of locations', pageSchema(locationSchema)), ...errorResponses },
});

export const createLocation = createRoute({
  method: 'post',
  path: '/organizations/{id}/delivery-locations',
  tags: ['Delivery locations'],
  summary: 'Owner or purchaser: add a delivery location (the first one is the default)',
  ...user,
  request: { params: organizationIdParams, body: json(createLocationSchema) },
  responses: { 201: ok('Created', locationSchema), ...errorResponses },
});

export const getLocation = createRoute({
  method: 'get',
  path: '/organizations/{id}/delivery-locations/{locationId}',
  tags: ['Delivery locations'],
  summary: 'Owner or purchaser: one delivery location',
  ...user,
  request: { params: locationParams },
  responses: { 200: ok('The location', locationSchema), ...errorResponses },
});

export const updateLocation = createRoute({
  method: 'patch',
  path: '/organizations/{id}/delivery-locations/{locationId}',
  tags: ['Delivery locations'],
  summary: 'Owner or purchaser: edit a delivery location',
  ...user,
  request: { params: locationParams, body: json(updateLocationSchema) },
  responses: { 200: ok('Updated', locationSchema), ...errorResponses },
});

export const deleteLocation = createRoute({
  method: 'delete',
  path: '/organizations/{id}/delivery-locations/{locationId}',
  tags: ['Delivery locations'],
  summary: 'Owner or purchaser: delete a delivery location',
  ...user,
  request: { params: locationParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

// ----- platform admin -----------------------------------------------------------------------------

const adminOrganizationSchema = organizationSchema.extend({ ownerEmails: z.array(z.string()) }).openapi('AdminOrganization');

export const adminListOrganizations = createRoute({
  method: 'get',
  path: '/admin/organizations',
  tags: ['Admin'],
  summary: 'Admin: organisations, awaiting verification first',
  ...admin,
  request: { query: adminListQuery.extend({ limit: limitSchema, cursor: cursorSchema }) },
  responses: { 200: ok('A page of organisations', pageSchema(adminOrganizationSchema)), ...errorResponses },
});

export const adminVerify = createRoute({
  method: 'post',
  path: '/admin/organizations/{id}/verify',
  tags: ['Admin'],
  summary: 'Admin: verify an organisation (audited)',
  ...admin,
  request: { params: organizationIdParams },
  responses: { 200: ok('Verified', organizationSchema), ...errorResponses },
});

export const adminSuspend = createRoute({
  method: 'post',
  path: '/admin/organizations/{id}/suspend',
  tags: ['Admin'],
  summary: 'Admin: suspend an organisation (audited)',
  ...admin,
  request: { params: organizationIdParams },
  responses: { 200: ok('Suspended', organizationSchema), ...errorResponses },
});

export const adminCreditTerms = createRoute({
  method: 'post',
  path: '/admin/organizations/{id}/credit-terms',
  tags: ['Admin'],
  summary: 'Admin: set invoice terms of a verified buyer organisation (audited)',
  ...admin,
  request: { params: organizationIdParams, body: json(creditTermsSchema) },
  responses: { 200: ok('Terms set', organizationSchema), ...errorResponses },
});
