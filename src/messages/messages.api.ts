import { createRoute, z } from '@hono/zod-openapi';
import { AppError, errorResponses } from '../lib/errors';
import { createRouter } from '../lib/router';
import { listInbox, markRead, preferencesOf, savePreferences, scopeFor, unreadCount } from './inbox.service';

const tags = ['Messages'];

const messageSchema = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: 'group_buy.participant_formed' }),
    titleZh: z.string(),
    titleEn: z.string(),
    payload: z.unknown(),
    readAt: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('Message');

const scopeQuery = z.object({ organizationId: z.string().min(1).max(90).optional().openapi({ description: "An organisation's inbox instead of your own" }) });

const list = createRoute({
  method: 'get',
  path: '/messages',
  tags,
  summary: 'Your inbox (or an organisation you belong to)',
  request: { query: scopeQuery },
  responses: {
    200: { description: 'Newest first (50), and the unread count shown in the header', content: { 'application/json': { schema: z.object({ items: z.array(messageSchema), unread: z.number().int() }) } } },
    ...errorResponses,
  },
});

const read = createRoute({
  method: 'post',
  path: '/messages/read',
  tags,
  summary: 'Mark one message, or the whole inbox, read',
  // Strict: every field is optional, so an unknown key would otherwise pass as an empty body (mark everything read).
  request: { body: { content: { 'application/json': { schema: scopeQuery.extend({ id: z.string().min(1).max(90).optional() }).strict() } }, required: false } },
  responses: {
    200: { description: 'How many changed', content: { 'application/json': { schema: z.object({ marked: z.number().int() }) } } },
    ...errorResponses,
  },
});

const preferencesSchema = z
  .object({ marketing: z.boolean().openapi({ description: 'Marketing-type messages (new group buys at your pickup point). Codes, refunds, pickups and orders always go.' }) })
  .strict()
  .openapi('MessagePreferences');

const getPreferences = createRoute({
  method: 'get',
  path: '/messages/preferences',
  tags,
  summary: 'Which messages you receive',
  responses: {
    200: { description: 'Your choices (marketing is on until you turn it off)', content: { 'application/json': { schema: preferencesSchema } } },
    ...errorResponses,
  },
});

const putPreferences = createRoute({
  method: 'put',
  path: '/messages/preferences',
  tags,
  summary: 'Turn marketing-type messages on or off',
  request: { body: { content: { 'application/json': { schema: preferencesSchema } }, required: true } },
  responses: {
    200: { description: 'Saved', content: { 'application/json': { schema: preferencesSchema } } },
    ...errorResponses,
  },
});

function actorOf(actor: import('../env').Actor | null) {
  if (!actor) throw new AppError('unauthenticated', 'Sign in to continue');
  return actor;
}

export const messagesApi = createRouter()
  .openapi(list, async (c) => {
    const actor = actorOf(c.var.actor);
    const { organizationId } = c.req.valid('query');
    const [items, unread] = await Promise.all([listInbox(c.var.db, scopeFor(actor, organizationId)), unreadCount(c.var.db, actor)]);
    return c.json({ items, unread }, 200);
  })
  .openapi(read, async (c) => {
    const actor = actorOf(c.var.actor);
    const body = c.req.valid('json') ?? {};
    return c.json({ marked: await markRead(c.var.db, scopeFor(actor, body.organizationId), body.id) }, 200);
  })
  .openapi(getPreferences, async (c) => c.json(await preferencesOf(c.var.db, actorOf(c.var.actor).userId), 200))
  .openapi(putPreferences, async (c) => c.json(await savePreferences(c.var.db, actorOf(c.var.actor).userId, c.req.valid('json')), 200));
