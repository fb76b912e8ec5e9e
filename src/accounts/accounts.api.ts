import { createRouter } from '../lib/router';
import * as handlers from './accounts.handlers';
import * as routes from './accounts.routes';

/** `/api/v1` routes of accounts: the signed-in user, organisations, members, invitations, delivery locations, admin verification. */
export const accountsApi = createRouter()
  .openapi(routes.me, handlers.me)
  .openapi(routes.createOrganization, handlers.createOrganization)
  .openapi(routes.getOrganization, handlers.getOrganization)
  .openapi(routes.updateOrganization, handlers.updateOrganization)
  .openapi(routes.listMembers, handlers.listMembers)
  .openapi(routes.updateMember, handlers.updateMember)
  .openapi(routes.removeMember, handlers.removeMember)
  .openapi(routes.createInvitation, handlers.createInvitation)
  .openapi(routes.listInvitations, handlers.listInvitations)
  .openapi(routes.cancelInvitation, handlers.cancelInvitation)
  .openapi(routes.getInvitation, handlers.getInvitation)
  .openapi(routes.acceptInvitation, handlers.acceptInvitation)
  .openapi(routes.listLocations, handlers.listLocations)
  .openapi(routes.createLocation, handlers.createLocation)
  .openapi(routes.getLocation, handlers.getLocation)
  .openapi(routes.updateLocation, handlers.updateLocation)
  .openapi(routes.deleteLocation, handlers.deleteLocation)
  .openapi(routes.adminListOrganizations, handlers.adminListOrganizations)
  .openapi(routes.adminVerify, handlers.adminVerify)
  .openapi(routes.adminSuspend, handlers.adminSuspend)
  .openapi(routes.adminCreditTerms, handlers.adminCreditTerms);

accountsApi.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  description: 'The token from the `set-auth-token` header of POST /api/auth/sign-in/email (pages use the session cookie instead)',
});
