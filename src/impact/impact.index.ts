import { createRouter } from '../lib/router';
import { getImpactHandler, rebuildImpactHandler } from './impact.handlers';
import { getImpact, rebuildImpact } from './impact.routes';

/** `/api/v1/impact` and the admin's rollup rebuild. */
export const impactApi = createRouter().openapi(getImpact, getImpactHandler).openapi(rebuildImpact, rebuildImpactHandler);
