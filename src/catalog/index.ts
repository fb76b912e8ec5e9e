import { createRouter } from '../lib/router';
import * as handlers from './catalog.handlers';
import * as routes from './catalog.routes';

/** The catalog's JSON API, mounted under /api/v1. */
export const catalogApi = createRouter()
  .openapi(routes.listDistricts, handlers.listDistricts)
  .openapi(routes.listCounties, handlers.listCounties)
  .openapi(routes.getCounty, handlers.getCounty)
  .openapi(routes.listProducts, handlers.listProducts)
  .openapi(routes.getProduct, handlers.getProduct)
  .openapi(routes.getCooperative, handlers.getCooperative);

export { catalogPages } from './catalog.pages';
export { coverPhotoUrl, thumbnailUrl } from './illustrations';
export { productThumbnails } from './catalog.service';

export { searchTokens } from './search';

export { illustrationUrl, photoUrl } from './illustrations';
