import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { user } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { PHONE_ACCOUNT_EMAIL_DOMAIN } from '../messages';
import { kindLabel, roleLabel, statusLabel, t } from './accounts.i18n';
import { callAuth } from './auth-forward';
import * as invitations from './invitations.service';
import { ErrorNotice, formFields, pageErrorHandler, pageStatus, renderPage } from './pages.support';
import { requireActor } from './policy';

/** The signed-in user's own pages: /account and the invitation links they were sent. */

async function renderAccount(c: Context<AppEnv>, state: { error?: AppError; saved?: boolean } = {}) {
  const locale = c.var.locale;
  const m = t(locale);
  const actor = requireActor(c);
  const [profile] = await c.var.db.select({ phone: user.phone, phoneNumber: user.phoneNumber }).from(user).where(eq(user.id, actor.userId)).limit(1);
  // An account made by phone sign-in has a placeholder address nobody can read or mail: show the number instead.
  const phoneAccount = actor.email.endsWith(`@${PHONE_ACCOUNT_EMAIL_DOMAIN}`);
  return renderPage(
    c,
    m.account,
    <div class="stack">
      <h1>{m.account}</h1>
      {state.saved ? (
        <p class="notice" role="status">
          {m.saved}
        </p>
      ) : null}
      <ErrorNotice error={state.error} labels={{ name: m.name, phone: m.phone }} />
      <section class="card stack">
        <h2>{m.profile}</h2>
        <dl class="facts">
          <dt>{phoneAccount ? m.signInPhone : m.email}</dt>
          <dd>{phoneAccount ? (profile?.phoneNumber ?? '') : actor.email}</dd>
        </dl>
        <form method="post" action="/account" class="inline">
          <div>
            <label for="name">{m.name}</label>
            <input id="name" name="name" required maxlength={100} value={actor.name} />
          </div>
          <div>
            <label for="phone">{m.phone}</label>
            <input id="phone" name="phone" type="tel" maxlength={30} value={profile?.phone ?? profile?.phoneNumber ?? ''} />
          </div>
          <button type="submit">{m.save}</button>
        </form>
        <p class="row">
          <a class="button secondary" href="/orders">
            {m.myOrders}
          </a>
          <a class="button secondary" href="/messages">
            {actor.unreadMessages ? `${m.myMessages} (${actor.unreadMessages})` : m.myMessages}
          </a>
          <a class="button secondary" href="/my/group-buys">
            {m.myGroupBuyJoins}
          </a>
        </p>
      </section>
      <section class="card stack">
        <h2>{m.myOrganizations}</h2>
        {actor.memberships.length === 0 ? <p class="muted">{m.noOrganizations}</p> : null}
        <ul>
          {actor.memberships.map((mem) => (
            <li>
              <a href={`/organizations/${mem.organizationId}`}>{mem.organizationName}</a> <span class="muted">{kindLabel(locale, mem.kind)}</span> ·{' '}
              {roleLabel(locale, mem.role)}{' '}
              <span class={`badge${mem.status === 'verified' ? '' : mem.status === 'pending' ? ' warn' : ' bad'}`}>{statusLabel(locale, mem.status)}</span>
            </li>
          ))}
        </ul>
        <p>
          <a class="button" href="/organizations/new">
            {m.newOrganization}
          </a>
        </p>
      </section>
      <form method="post" action="/sign-out">
        <button type="submit" class="secondary">
          {m.signOut}
        </button>
      </form>
    </div>,
    state.error ? pageStatus(state.error) : 200,
  );
}

async function renderInvitation(c: Context<AppEnv>, id: string, error?: AppError) {
  const locale = c.var.locale;
  const m = t(locale);
  if (!c.var.actor) {
    const next = encodeURIComponent(`/invitations/${id}`);
    return renderPage(
      c,
      m.invitationTitle,
      <section class="card stack" style="max-width:520px">
        <h1>{m.invitationTitle}</h1>
        <p>{m.signInToAccept}</p>
        <p class="row">
          <a class="button" href={`/sign-in?next=${next}`}>
            {m.signIn}
          </a>
          <a class="button secondary" href={`/sign-up?next=${next}`}>
            {m.signUp}
          </a>
        </p>
      </section>,
    );
  }
  const invitation = await invitations.getInvitationFor(c.var.db, c.var.actor, c.env.APP_URL, id);
  const open = invitation.status === 'pending' && !invitation.expired;
  return renderPage(
    c,
    m.invitationTitle,
    <section class="card stack" style="max-width:520px">
      <h1>{m.invitationTitle}</h1>
      <ErrorNotice error={error} />
      <p>
        <strong>{invitation.organizationName}</strong> {m.invitedTo} <strong>{roleLabel(locale, invitation.role)}</strong>
      </p>
      <p class="muted">
        {m.email}: {invitation.email} · {m.expires}: {invitation.expiresAt.slice(0, 10)}
      </p>
      {invitation.status === 'accepted' ? <p class="notice">{m.invitationAccepted}</p> : null}
      {invitation.status === 'canceled' ? <p class="notice">{m.invitationWithdrawn}</p> : null}
      {invitation.expired ? <p class="notice">{m.invitationExpired}</p> : null}
      {open ? (
        <form method="post" action={`/invitations/${id}/accept`}>
          <button type="submit">{m.accept}</button>
        </form>
      ) : null}
    </section>,
    error ? pageStatus(error) : 200,
  );
}

export const accountPages = new Hono<AppEnv>();
accountPages.onError(pageErrorHandler);

accountPages.get('/account', (c) => renderAccount(c, { saved: c.req.query('saved') === '1' }));

accountPages.post('/account', async (c) => {
  requireActor(c);
  const fields = await formFields(c);
  const name = fields.name ?? '';
  const phone = fields.phone ?? '';
  if (name.length < 1 || name.length > 100 || phone.length > 30) {
    return renderAccount(c, {
      error: new AppError('validation_failed', 'Invalid body.name or body.phone', {
        errors: [{ path: name.length < 1 || name.length > 100 ? 'body.name' : 'body.phone', message: '1–100 characters for the name, at most 30 for the phone' }],
      }),
    });
  }
  const res = await callAuth(c, '/update-user', { name, phone: phone || null });
  if (!res.ok) return renderAccount(c, { error: new AppError('bad_request', `Could not save (${res.status})`) });
  return c.redirect('/account?saved=1', 303);
});

accountPages.get('/invitations/:id', (c) => renderInvitation(c, c.req.param('id')));

accountPages.post('/invitations/:id/accept', async (c) => {
  const id = c.req.param('id');
  try {
    const accepted = await invitations.acceptInvitation(c.var.db, requireActor(c), id);
    return c.redirect(`/organizations/${accepted.organizationId}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code !== 'unauthenticated') return renderInvitation(c, id, error);
    throw error;
  }
});
