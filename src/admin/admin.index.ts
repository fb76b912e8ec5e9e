import { createRouter } from '../lib/router';
import * as handlers from './admin.handlers';
import * as routes from './admin.routes';

/** Admin API: districts, counties and pairings; the audit log. Every route requires a platform admin. */
export const adminApi = createRouter()
  .openapi(routes.createDistrict, handlers.createDistrictHandler)
  .openapi(routes.updateDistrict, handlers.updateDistrictHandler)
  .openapi(routes.createCounty, handlers.createCountyHandler)
  .openapi(routes.updateCounty, handlers.updateCountyHandler)
  .openapi(routes.listAuditLog, handlers.listAuditLogHandler);
