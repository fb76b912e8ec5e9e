import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cooperativeMemberships, requireActor, requireCooperativeStaff } from '../accounts';
import { AppError } from '../lib/errors';
import type { AppEnv } from '../env';
import { createRouter } from '../lib/router';
import * as routes from './shipments.routes';
import * as service from './shipments.service';

/** The released shipment behind `id` if the caller staffs its cooperative; otherwise 404. */
export async function ownedShipment(c: Context<AppEnv>, id: string) {
  const shipment = await service.getReleasedShipment(c.var.db, id);
  try {
    requireCooperativeStaff(c, shipment.cooperativeId);
  } catch (error) {
    // Another cooperative's shipment: name the shipment, not its cooperative, and reveal nothing more.
    if (error instanceof AppError && error.code === 'not_found') throw new AppError('not_found', `Shipment ${id} not found`);
    throw error;
  }
  return shipment;
}

/** `cooperativeId` when given; otherwise the caller's one cooperative (staff of several must choose). */
function cooperativeOf(c: Context<AppEnv>, requested: string | undefined): string {
  if (requested) return requested;
  const mine = cooperativeMemberships(requireActor(c)).filter((m) => m.role === 'owner' || m.role === 'staff');
  if (mine.length === 1) return mine[0]!.organizationId;
  const message = mine.length === 0 ? 'You are not staff of a cooperative: pass cooperativeId' : 'You staff several cooperatives: pass cooperativeId';
  throw new AppError('validation_failed', message, { errors: [{ path: 'query.cooperativeId', message, rule: 'cooperative_required' }] });
}

async function viewOf(c: Context<AppEnv>, shipment: service.ShipmentRow) {
  const items = await service.itemsOf(c.var.db, [shipment.id]);
  return service.shipmentView(shipment, items.get(shipment.id) ?? []);
}

const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const { cooperativeId: requested, ...filters } = c.req.valid('query');
  const cooperativeId = cooperativeOf(c, requested);
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
