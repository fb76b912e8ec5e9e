import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireCooperativeStaff } from '../accounts';
import type { AppEnv } from '../env';
import { createRouter } from '../lib/router';
import * as routes from './shipments.routes';
import * as service from './shipments.service';

/** The released shipment behind `id` if the caller staffs its cooperative; otherwise 404. */
export async function ownedShipment(c: Context<AppEnv>, id: string) {
  const shipment = await service.getReleasedShipment(c.var.db, id);
  requireCooperativeStaff(c, shipment.cooperativeId);
  return shipment;
}

async function viewOf(c: Context<AppEnv>, shipment: service.ShipmentRow) {
  const items = await service.itemsOf(c.var.db, [shipment.id]);
  return service.shipmentView(shipment, items.get(shipment.id) ?? []);
}

const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const { cooperativeId, ...filters } = c.req.valid('query');
  requireCooperativeStaff(c, cooperativeId);
  return c.json(await service.listShipments(c.var.db, cooperativeId, filters), 200);
};

const get: RouteHandler<typeof routes.get, AppEnv> = async (c) => c.json(await viewOf(c, await ownedShipment(c, c.req.valid('param').id)), 200);

const accept: RouteHandler<typeof routes.accept, AppEnv> = async (c) => {
  const shipment = await ownedShipment(c, c.req.valid('param').id);
  return c.json(await viewOf(c, await service.acceptShipment(c.var.db, shipment)), 200);
};

const ship: RouteHandler<typeof routes.ship, AppEnv> = async (c) => {
  const shipment = await ownedShipment(c, c.req.valid('param').id);
  return c.json(await viewOf(c, await service.shipShipment(c.var.db, shipment, c.req.valid('json'))), 200);
};

const deliver: RouteHandler<typeof routes.deliver, AppEnv> = async (c) => {
  const shipment = await ownedShipment(c, c.req.valid('param').id);
  return c.json(await viewOf(c, await service.deliverShipment(c.var.db, shipment)), 200);
};

const confirmReceipt: RouteHandler<typeof routes.confirmReceipt, AppEnv> = async (c) => {
  const shipment = await service.getReleasedShipment(c.var.db, c.req.valid('param').id);
  await service.requireReceiver(c.var.db, c.var.actor, shipment, c.req.valid('query').token);
  return c.json(await viewOf(c, await service.confirmReceipt(c.var.db, shipment)), 200);
};

export const fulfilmentApi = createRouter()
  .openapi(routes.list, list)
  .openapi(routes.get, get)
  .openapi(routes.accept, accept)
  .openapi(routes.ship, ship)
  .openapi(routes.deliver, deliver)
  .openapi(routes.confirmReceipt, confirmReceipt);
