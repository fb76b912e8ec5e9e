import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { shanghaiDateTime } from '../lib/time';
import { Layout } from '../views/layout';
import { createChannels } from './channels';
import { heldSms, listInbox, localOutbox, markRead, preferencesOf, savePreferences, scopeFor } from './inbox.service';
import { Notice } from '../views/kit';
import { t } from './messages.i18n';

export const messagesPages = new Hono<AppEnv>();

function currentPath(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

function page(c: Context<AppEnv>, title: string, body: Child) {
  return c.html(
    <Layout title={title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor}>
      {body}
    </Layout>,
  );
}

function InboxTabs({ c, current }: { c: Context<AppEnv>; current: string | undefined }) {
  const m = t(c.var.locale);
  const memberships = c.var.actor?.memberships ?? [];
  if (memberships.length === 0) return null;
  return (
    <nav class="tabs" aria-label={m.inbox}>
      <a href="/messages" aria-current={current ? undefined : 'page'}>
        {m.mine}
      </a>
      {memberships.map((x) => (
        <a href={`/messages?org=${encodeURIComponent(x.organizationId)}`} aria-current={current === x.organizationId ? 'page' : undefined}>
          {x.organizationName}
        </a>
      ))}
    </nav>
  );
}

type InboxItem = Awaited<ReturnType<typeof listInbox>>[number];

function MessageList({ items, c, org }: { items: InboxItem[]; c: Context<AppEnv>; org: string | undefined }) {
  const m = t(c.var.locale);
  const when = (ms: number) => new Date(ms).toLocaleString(c.var.locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' });
  if (items.length === 0) return <p>{m.empty}</p>;
  return (
    <ul class="messages">
      {items.map((item) => (
        <li class={item.readAt ? 'read' : 'unread'} data-kind={item.kind}>
          <p>
            {item.readAt ? null : <strong>{`${m.unread} · `}</strong>}
            {c.var.locale === 'en' ? item.titleEn : item.titleZh}
          </p>
          <small>{when(item.createdAt)}</small>
          {item.readAt ? null : (
            <form method="post" action="/messages/read">
              <input type="hidden" name="id" value={item.id} />
              {org ? <input type="hidden" name="org" value={org} /> : null}
              <button type="submit">{m.markRead}</button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The person's own choices, under their own inbox (an organisation's inbox has none). */
function PreferencesForm({ c, marketing }: { c: Context<AppEnv>; marketing: boolean }) {
  const m = t(c.var.locale);
  return (
    <form method="post" action="/messages/preferences" class="message-preferences">
      <fieldset>
        <legend>{m.preferences}</legend>
        <label class="choice">
          <input type="checkbox" name="marketing" value="on" checked={marketing} /> {m.marketingOn}
        </label>
        <button type="submit">{m.save}</button>
      </fieldset>
    </form>
  );
}

messagesPages.get('/messages', async (c) => {
  const actor = c.var.actor;
  if (!actor) return c.redirect(`/sign-in?next=${encodeURIComponent(currentPath(c))}`, 303);
  const org = c.req.query('org') || undefined;
  const m = t(c.var.locale);
  const [items, preferences] = await Promise.all([listInbox(c.var.db, scopeFor(actor, org)), org ? null : preferencesOf(c.var.db, actor.userId)]);
  return page(
    c,
    m.inbox,
    <section>
      <h1>{m.inbox}</h1>
      {c.req.query('saved') === '1' ? <Notice>{m.saved}</Notice> : null}
      <InboxTabs c={c} current={org} />
      <MessageList items={items} c={c} org={org} />
      {items.some((i) => !i.readAt) ? (
        <form method="post" action="/messages/read">
          {org ? <input type="hidden" name="org" value={org} /> : null}
          <button type="submit">{m.markAllRead}</button>
        </form>
      ) : null}
      {preferences ? <PreferencesForm c={c} marketing={preferences.marketing} /> : null}
    </section>,
  );
});

messagesPages.post('/messages/read', async (c) => {
  const actor = c.var.actor;
  if (!actor) return c.redirect('/sign-in?next=%2Fmessages', 303);
  const body = await c.req.parseBody();
  const org = typeof body.org === 'string' && body.org ? body.org : undefined;
  const id = typeof body.id === 'string' && body.id ? body.id : undefined;
  await markRead(c.var.db, scopeFor(actor, org), id);
  return c.redirect(org ? `/messages?org=${encodeURIComponent(org)}` : '/messages', 303);
});

messagesPages.post('/messages/preferences', async (c) => {
  const actor = c.var.actor;
  if (!actor) return c.redirect('/sign-in?next=%2Fmessages', 303);
  // An unticked checkbox is simply absent from the form.
  const body = await c.req.parseBody();
  await savePreferences(c.var.db, actor.userId, { marketing: body.marketing === 'on' });
  return c.redirect('/messages?saved=1', 303);
});

/**
 * Dev-only: what the local outbox "sent". Served only while no provider is configured AND the app runs on
 * localhost, since it shows sign-in codes.
 */
export function devOutboxEnabled(env: AppEnv['Bindings']): boolean {
  const channels = createChannels(env);
  const host = new URL(env.APP_URL).hostname;
  return channels.sms.provider === 'local' && channels.email.provider === 'local' && (host === 'localhost' || host === '127.0.0.1');
}

messagesPages.get('/dev/outbox', async (c) => {
  if (!devOutboxEnabled(c.env)) throw new AppError('not_found', 'No route for GET /dev/outbox');
  const m = t(c.var.locale);
  const rows = await localOutbox(c.var.db);
  const held = await heldSms(c.var.db, Date.now());
  return page(
    c,
    m.outbox,
    <section>
      <h1>{m.outbox}</h1>
      <p>{m.outboxNote}</p>
      {rows.length === 0 ? (
        <p>{m.outboxEmpty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{m.channel}</th>
              <th>{m.to}</th>
              <th>{m.content}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-kind={r.kind} data-channel={r.channel} data-recipient={r.recipient}>
                <td>{`${r.channel} · ${r.kind}`}</td>
                <td>{r.recipient}</td>
                <td>
                  <code class="outbox-content">{JSON.stringify(r.content)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {held.length > 0 ? (
        <>
          <h2>{m.held}</h2>
          <table>
            <thead>
              <tr>
                <th>{m.to}</th>
                <th>{m.dueAt}</th>
              </tr>
            </thead>
            <tbody>
              {held.map((h) => (
                <tr data-held-kind={h.kind} data-recipient={h.phone ?? ''}>
                  <td>{`${h.phone} · ${h.kind}`}</td>
                  <td>{shanghaiDateTime(h.dueAt ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>,
  );
});
