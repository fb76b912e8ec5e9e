import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { formatFen } from '../lib/money';
import { Layout } from '../views/layout';
import { gbText } from './group-buys.i18n';
import { myJoins } from './group-buys.mine';
import { gbCss, pickupWindowText } from './group-buys.views';

export const myJoinPages = new Hono<AppEnv>();

/** 我的参团: signed out, residents sign in with their phone and an SMS code, which also attaches guest joins. */
myJoinPages.get('/my/group-buys', async (c) => {
  const actor = c.var.actor;
  if (!actor) return c.redirect(`/sign-in/phone?next=${encodeURIComponent('/my/group-buys')}`, 303);
  const m = gbText(c.var.locale);
  const joins = await myJoins(c.var.db, actor.userId);
  const en = c.var.locale === 'en';
  return c.html(
    <Layout title={m.myJoins} locale={c.var.locale} path="/my/group-buys" actor={actor}>
      <style dangerouslySetInnerHTML={{ __html: gbCss }} />
      <article class="stack">
        <h1>{m.myJoins}</h1>
        {joins.length === 0 ? (
          <p class="muted" data-testid="my-joins-empty">
            {m.myJoinsEmpty}
          </p>
        ) : (
          <ul class="stack gb-my-joins" role="list">
            {joins.map((j) => (
              <li class="card stack" data-participant={j.participantId}>
                <h2>{j.title}</h2>
                <p>
                  <span class="badge">{m[`status_${j.groupStatus}`]}</span> <span class="badge">{m[`pstatus_${j.status}`]}</span> {formatFen(j.totalFen)}
                </p>
                <dl class="facts">
                  <dt>{m.pickupCode}</dt>
                  <dd>
                    <strong class="gb-code-small">{j.pickupCode}</strong>
                  </dd>
                  <dt>{m.pickupWindow}</dt>
                  <dd>{pickupWindowText(j.pickupWindow, m)}</dd>
                  <dt>{m.pickupPoint}</dt>
                  <dd>{en ? (j.pickupNameEn ?? j.pickupName) : j.pickupName}</dd>
                </dl>
                <a class="button secondary" href={j.participantPath}>
                  {m.openJoin}
                </a>
              </li>
            ))}
          </ul>
        )}
        <p class="muted">
          {m.signedInAs}
          {actor.name} · <a href={`/sign-in/phone?next=${encodeURIComponent('/my/group-buys')}`}>{m.signInWithJoinPhone}</a>
        </p>
      </article>
    </Layout>,
  );
});
