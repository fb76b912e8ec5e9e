import { sql } from 'drizzle-orm';
import type { Job } from '../jobs/scheduled';
import { groupBuyParticipants, groupBuys, notifications, organization } from '../db/schema';

const HOUR_MS = 3_600_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The evening before a formed group's pickup window (from 18:00 Shanghai time on the day before it opens),
 * every participant still to collect is reminded when and where, with their pickup code. Once per
 * participant: the notice id is derived from the participant (`ntf_pickup_<participant>`), so later or
 * concurrent runs insert nothing (OR IGNORE). Groups without a window (rows from before it existed) are skipped.
 */
export const pickupReminderJob: Job = {
  name: 'group-buys.pickup-reminders',
  async run(db, _env, now) {
    const shanghaiTime = (column: typeof groupBuys.pickupStartsAt | typeof groupBuys.pickupEndsAt) => sql`strftime('%H:%M', (${column} + ${sql.raw(String(SHANGHAI_OFFSET_MS))}) / 1000, 'unixepoch')`;
    const window = sql`${shanghaiTime(groupBuys.pickupStartsAt)} || '-' || ${shanghaiTime(groupBuys.pickupEndsAt)}`;
    // Integer division: the start of the window's Shanghai day, then 18:00 the day before.
    // Literals, not parameters: a bound JS number may arrive as REAL, and then / is not integer division.
    const int = (n: number) => sql.raw(String(Math.trunc(n)));
    const eveningBefore = sql`((${groupBuys.pickupStartsAt} + ${int(SHANGHAI_OFFSET_MS)}) / ${int(DAY_MS)}) * ${int(DAY_MS)} - ${int(SHANGHAI_OFFSET_MS + 6 * HOUR_MS)}`;
    // A group that forms on the pickup day itself (or a run after midnight) is reminded "today", not "tomorrow";
    // the date is always written out, since the inbox is read later and an SMS may wait out the quiet hours.
    const startsDay = sql`((${groupBuys.pickupStartsAt} + ${int(SHANGHAI_OFFSET_MS)}) / ${int(DAY_MS)})`;
    const today = sql`${startsDay} = ${int(Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS))}`;
    const startsLocal = sql`(${groupBuys.pickupStartsAt} + ${int(SHANGHAI_OFFSET_MS)}) / 1000, 'unixepoch'`;
    const dateZh = sql`CAST(strftime('%m', ${startsLocal}) AS INTEGER) || '月' || CAST(strftime('%d', ${startsLocal}) AS INTEGER) || '日'`;
    const dateEn = sql`strftime('%m-%d', ${startsLocal})`;
    const result = await db.run(sql`INSERT OR IGNORE INTO ${notifications} (id, user_id, phone, kind, title_zh, title_en, payload, created_at)
      SELECT 'ntf_pickup_' || ${groupBuyParticipants.id}, ${groupBuyParticipants.userId}, ${groupBuyParticipants.phone}, 'group_buy.pickup_reminder',
        CASE WHEN ${today} THEN '今天' ELSE '明天' END || '（' || ${dateZh} || '）' || ${window} || ' 在 ' || ${organization.name} || ' 提货「' || ${groupBuys.title} || '」，提货码 ' || ${groupBuyParticipants.pickupCode},
        'Pickup ' || CASE WHEN ${today} THEN 'today' ELSE 'tomorrow' END || ' (' || ${dateEn} || ') ' || ${window} || ' at ' || coalesce(${organization.nameEn}, ${organization.name}) || ': "' || ${groupBuys.title} || '", pickup code ' || ${groupBuyParticipants.pickupCode},
        json_object('groupBuyId', ${groupBuys.id}, 'participantId', ${groupBuyParticipants.id}, 'title', ${groupBuys.title}, 'pickup', ${organization.name},
          'pickupCode', ${groupBuyParticipants.pickupCode}, 'date', ${dateZh}, 'window', ${window}, 'pickupStartsAt', ${groupBuys.pickupStartsAt}),
        ${now}
      FROM ${groupBuys}
      JOIN ${groupBuyParticipants} ON ${groupBuyParticipants.groupBuyId} = ${groupBuys.id}
      JOIN ${organization} ON ${organization.id} = ${groupBuys.pickupOrganizationId}
      WHERE ${groupBuys.status} = 'succeeded' AND ${groupBuys.pickupStartsAt} IS NOT NULL
        AND ${groupBuys.pickupStartsAt} > ${now} AND ${now} >= ${eveningBefore}
        AND ${groupBuyParticipants.status} IN ('paid', 'pending_payment')`);
    return result.meta.changes;
  },
};
