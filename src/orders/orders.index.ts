import { createRouter } from '../lib/router';
import * as handlers from './orders.handlers';
import * as routes from './orders.routes';

/** `/api/v1` orders: place, read, list, cancel, quote. */
export const ordersApi = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.quote, handlers.quote);
