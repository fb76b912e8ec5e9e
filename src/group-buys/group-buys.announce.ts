import { aliasedTable, and, eq, gte, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { groupBuyParticipants, groupBuys, messagePreferences, notifications, organization } from '../db/schema';
import { DAY_MS, shanghaiDateTime } from '../lib/time';

/** How far back a resident counts as a regular of a pickup point. */
export const REGULARS_WINDOW_DAYS = 180;

const past = aliasedTable(groupBuys, 'past');

/**
 * "新团上线": when a group buy opens at a pickup point, the residents who collected or paid for a group buy
 * there in the last 180 days hear of it. This is the one marketing-type message: those who turned marketing
 * messages off are left out here (and the consumer checks again at sending time, in case they turn it off
 * meanwhile); its SMS waits out the quiet hours like any other. One notice per group and person (the id says
 * so), as a statement for the creating batch, so a group that fails to be created announces nothing.
 */
export function openedAnnouncement(
  db: Db,
  group: { id: string; title: string; shortCode: string; pickupOrganizationId: string; closesAt: number },
  at: number,
): Statement {
  const closes = shanghaiDateTime(group.closesAt).slice(5);
  const p = groupBuyParticipants;
  const value = <T,>(v: T, name: string) => sql<T>`${v}`.as(name);
  return db
    .insert(notifications)
    .select((qb) =>
      qb
        .select({
          // INSERT … SELECT: every column of the table, in its order, with raw names (see db/notices.ts).
          id: sql<string>`'ntf_opened_' || ${group.id} || '_' || ${p.userId}`.as('id'),
          organizationId: sql<null>`NULL`.as('organization_id'),
          userId: sql<string>`${p.userId}`.as('user_id'),
          phone: sql<string>`max(${p.phone})`.as('phone'),
          kind: value('group_buy.opened', 'kind'),
          titleZh: sql<string>`${organization.name} || ${` 新团上线：「${group.title}」，${closes} 截止`}`.as('title_zh'),
          titleEn: sql<string>`${'New group buy at '} || coalesce(${organization.nameEn}, ${organization.name}) || ${`: "${group.title}", closes ${closes}`}`.as('title_en'),
          payload: sql<string>`json_object('groupBuyId', ${group.id}, 'title', ${group.title}, 'pickup', ${organization.name}, 'closes', ${closes}, 'link', ${`/g/${group.shortCode}`})`.as('payload'),
          readAt: sql<null>`NULL`.as('read_at'),
          createdAt: value(at, 'created_at'),
          enqueuedAt: sql<null>`NULL`.as('enqueued_at'),
          deliveredAt: sql<null>`NULL`.as('delivered_at'),
        })
        .from(p)
        .innerJoin(past, eq(past.id, p.groupBuyId))
        .innerJoin(organization, eq(organization.id, group.pickupOrganizationId))
        .leftJoin(messagePreferences, eq(messagePreferences.userId, p.userId))
        .where(
          and(
            eq(past.pickupOrganizationId, group.pickupOrganizationId),
            ne(past.id, group.id),
            isNotNull(p.userId),
            inArray(p.status, ['paid', 'picked_up']),
            gte(p.createdAt, at - REGULARS_WINDOW_DAYS * DAY_MS),
            sql`coalesce(${messagePreferences.marketing}, 1) = 1`,
          ),
        )
        .groupBy(p.userId, organization.id),
    )
    .onConflictDoNothing();
}
