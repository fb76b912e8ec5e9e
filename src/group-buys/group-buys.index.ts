import { z } from '@hono/zod-openapi';
import { membershipOf, requireActor, requireOrgRole } from '../accounts';
import { AppError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { createRouter } from '../lib/router';
import { closeGroupBuy } from './group-buys.close';
import { claimIdempotency } from '../lib/idempotency';
import { joinGroupBuy } from './group-buys.join';
import { cancelParticipation, ownParticipantView, participantView, requireParticipation } from './group-buys.participants';
import { deskTally, findByPhoneTail, revealPhone } from './group-buys.desk';
import { findByPickupCode, pickupList, recordPickup } from './group-buys.pickup';
import { requireGroupBuyManager, requireGroupBuyStaff, requirePickupStaff } from './group-buys.policy';
import { pickupListCsv } from './group-buys.csv';
import { requireGroupBuy } from './group-buys.queries';
import { myJoins } from './group-buys.mine';
import * as routes from './group-buys.routes';
import { createGroupBuy, groupBuyView, instantsOf, listGroupBuys, ORGANIZER_KINDS } from './group-buys.service';

/** The group-buy API under /api/v1: thin handlers over the services. */
export const groupBuysApi = createRouter()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    requireOrgRole(c, body.organizationId, ['owner', 'purchaser'], { kinds: ORGANIZER_KINDS, verified: true });
    const now = Date.now();
    const group = await createGroupBuy(c.var.db, requireActor(c), instantsOf(body), { now });
    return c.json(await groupBuyView(c.var.db, group, { now, appUrl: c.env.APP_URL }), 201);
  })
  .openapi(routes.list, async (c) => {
    const actor = requireActor(c);
    const query = c.req.valid('query');
    if (query.organizationId && !actor.isAdmin && !membershipOf(actor, query.organizationId)) {
      throw new AppError('not_found', `Organisation ${query.organizationId} not found`);
    }
    const organizationIds = query.organizationId ? [query.organizationId] : actor.memberships.map((m) => m.organizationId);
    const after = query.cursor ? decodeCursor(query.cursor, z.object({ createdAt: z.number(), id: z.string() })) : undefined;
    const page = await listGroupBuys(c.var.db, { organizationIds, status: query.status }, { limit: query.limit, after });
    const now = Date.now();
    const items = await Promise.all(page.rows.map((g) => groupBuyView(c.var.db, g, { now, appUrl: c.env.APP_URL })));
    const last = page.rows.at(-1);
    return c.json({ items, nextCursor: page.hasMore && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null }, 200);
  })
  .openapi(routes.get, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    return c.json(await groupBuyView(c.var.db, group, { now: Date.now(), appUrl: c.env.APP_URL }), 200);
  })
  .openapi(routes.join, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const joined = await joinGroupBuy(
      c.var.db,
      { groupBuyId: id, ...body },
      {
        now: Date.now(),
        appUrl: c.env.APP_URL,
        env: c.env,
        actor: c.var.actor,
        idempotency: await claimIdempotency(`group-buy-join:${id}`, c.var.actor, c.req.valid('header')['idempotency-key'], body),
      },
    );
    const { replayed, ...response } = joined;
    return c.json(response, replayed ? 200 : 201);
  })
  .openapi(routes.participant, async (c) => {
    const { id, participantId } = c.req.valid('param');
    const group = await requireGroupBuy(c.var.db, id);
    const p = await requireParticipation(c.var.db, group.id, participantId, c.req.valid('query').token);
    return c.json(ownParticipantView(group, p, c.env.APP_URL), 200);
  })
  .openapi(routes.cancel, async (c) => {
    const { id, participantId } = c.req.valid('param');
    const p = await cancelParticipation(
      c.var.db,
      c.env,
      { groupBuyId: id, participantId, token: c.req.valid('query').token },
      { now: Date.now(), actor: c.var.actor },
    );
    const group = await requireGroupBuy(c.var.db, id);
    return c.json(ownParticipantView(group, p, c.env.APP_URL), 200);
  })
  .openapi(routes.close, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    const actor = requireGroupBuyManager(c, group);
    const now = Date.now();
    const result = await closeGroupBuy(c.var.db, c.env, group.id, { now, reason: 'organizer', actor });
    if (!result.closedNow) {
      throw new AppError('invalid_state', `This group buy is already closed (${result.group.status})`, {
        extensions: { groupBuyStatus: result.group.status },
      });
    }
    return c.json(await groupBuyView(c.var.db, result.group, { now, appUrl: c.env.APP_URL }), 200);
  })
  .openapi(routes.pickup, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    const actor = requirePickupStaff(c, group);
    const body = c.req.valid('json');
    const idempotency = await claimIdempotency(`group-buy-pickup:${group.id}`, actor, c.req.valid('header')['idempotency-key'], body);
    const p = await recordPickup(c.var.db, { groupBuyId: group.id, ...body }, { now: Date.now(), actor, idempotency });
    return c.json(participantView(group, p), 200);
  })
  .openapi(routes.pickupTally, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    requirePickupStaff(c, group);
    return c.json(await deskTally(c.var.db, group.id), 200);
  })
  .openapi(routes.pickupByPhoneTail, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    requirePickupStaff(c, group);
    const rows = await findByPhoneTail(c.var.db, group, c.req.valid('query').phoneTail);
    return c.json({ items: rows.map((p) => participantView(group, p)) }, 200);
  })
  .openapi(routes.revealPhone, async (c) => {
    const { id, participantId } = c.req.valid('param');
    const group = await requireGroupBuy(c.var.db, id);
    const actor = requirePickupStaff(c, group);
    return c.json({ phone: await revealPhone(c.var.db, group, participantId, { now: Date.now(), actor }) }, 200);
  })
  .openapi(routes.pickupLookup, async (c) => {
    const { id, code } = c.req.valid('param');
    const group = await requireGroupBuy(c.var.db, id);
    requirePickupStaff(c, group);
    const p = await findByPickupCode(c.var.db, group, code);
    return c.json(participantView(group, p), 200);
  })
  .openapi(routes.pickupListRoute, async (c) => {
    const group = await requireGroupBuy(c.var.db, c.req.valid('param').id);
    requireGroupBuyStaff(c, group);
    const query = c.req.valid('query');
    const wantsCsv = query.format === 'csv' || (query.format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (wantsCsv) {
      return c.body(await pickupListCsv(c.var.db, group), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="pickup-list-${group.shortCode}.csv"`,
      });
    }
    const after = query.cursor ? decodeCursor(query.cursor, z.object({ code: z.string() })) : undefined;
    const page = await pickupList(c.var.db, group.id, { limit: query.limit, afterCode: after?.code });
    const items = page.rows.map((p) => participantView(group, p));
    const last = page.rows.at(-1);
    return c.json({ items, nextCursor: page.hasMore && last ? encodeCursor({ code: last.pickupCode }) : null }, 200);
  })
  .openapi(routes.myJoinsRoute, async (c) => c.json({ items: await myJoins(c.var.db, requireActor(c).userId) }, 200));
