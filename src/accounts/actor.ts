import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { Actor, AppEnv, Membership } from '../env';
import type { Db } from '../db/client';
import { member, organization } from '../db/schema';
import { createAuth } from './auth';
import { unreadCount } from '../messages';

export async function loadMemberships(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .select({
      organizationId: member.organizationId,
      role: member.role,
      organizationName: organization.name,
      kind: organization.kind,
      status: organization.status,
      countyId: organization.countyId,
      perOrderLimitFen: member.perOrderLimitFen,
    })
    .from(member)
    .innerJoin(organization, eq(organization.id, member.organizationId))
    .where(eq(member.userId, userId));
  return rows.map((r) => ({ ...r, role: r.role as Membership['role'] }));
}

/** A session cookie or a bearer token: the request may be answered for someone in particular. */
export function hasCredentials(headers: Headers): boolean {
  return headers.get('authorization')?.startsWith('Bearer ') === true || /(?:^|;\s*)(?:__Secure-)?shanhai\.session_token=/.test(headers.get('cookie') ?? '');
}

/**
 * Resolves the acting user from the session cookie or bearer token. Requests without credentials
 * (most catalog reads) cost no query.
 */
export const resolveActor = createMiddleware<AppEnv>(async (c, next) => {
  c.set('actor', null);
  if (hasCredentials(c.req.raw.headers)) {
    const auth = createAuth(c.env, c.var.db);
    const result = await auth.api.getSession({ headers: c.req.raw.headers });
    if (result) {
      const u = result.user as typeof result.user & { platformRole?: string };
      const actor: Actor = {
        userId: u.id,
        email: u.email,
        name: u.name,
        isAdmin: u.platformRole === 'admin',
        sessionId: result.session.id,
        memberships: await loadMemberships(c.var.db, u.id),
      };
      if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) actor.unreadMessages = await unreadCount(c.var.db, actor);
      c.set('actor', actor);
    }
  }
  await next();
});
