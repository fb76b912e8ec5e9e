import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { groupBuyParticipants, groupBuys, organization } from '../db/schema';

/**
 * 找回我的参团: a signed-in person's own group-buy joins. A guest's joins become theirs only once they prove
 * the phone number they joined with (a one-time SMS code at phone sign-in attaches them), so this list never
 * answers for a number nobody has verified. Each entry links to the participant page with its own token.
 */
export async function myJoins(db: Db, userId: string, limit = 50) {
  const rows = await db
    .select({
      participantId: groupBuyParticipants.id,
      status: groupBuyParticipants.status,
      pickupCode: groupBuyParticipants.pickupCode,
      totalFen: groupBuyParticipants.totalFen,
      accessToken: groupBuyParticipants.accessToken,
      joinedAt: groupBuyParticipants.createdAt,
      groupBuyId: groupBuys.id,
      title: groupBuys.title,
      shortCode: groupBuys.shortCode,
      groupStatus: groupBuys.status,
      closesAt: groupBuys.closesAt,
      pickupStartsAt: groupBuys.pickupStartsAt,
      pickupEndsAt: groupBuys.pickupEndsAt,
      pickupName: organization.name,
      pickupNameEn: organization.nameEn,
    })
    .from(groupBuyParticipants)
    .innerJoin(groupBuys, eq(groupBuys.id, groupBuyParticipants.groupBuyId))
    .innerJoin(organization, eq(organization.id, groupBuys.pickupOrganizationId))
    .where(eq(groupBuyParticipants.userId, userId))
    .orderBy(desc(groupBuyParticipants.createdAt), desc(groupBuyParticipants.id))
    .limit(limit);
  return rows.map(({ accessToken, pickupStartsAt, pickupEndsAt, ...row }) => ({
    ...row,
    pickupWindow: pickupStartsAt !== null && pickupEndsAt !== null ? { startsAt: new Date(pickupStartsAt).toISOString(), endsAt: new Date(pickupEndsAt).toISOString() } : null,
    participantPath: `/g/${row.shortCode}/me?token=${encodeURIComponent(accessToken)}`,
  }));
}

export type MyJoin = Awaited<ReturnType<typeof myJoins>>[number];
