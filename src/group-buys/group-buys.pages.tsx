import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env';
import { AppError, handleError, type FieldError } from '../lib/errors';
import { labelled, parseForm, withLabels } from '../lib/form-errors';
import { randomToken } from '../lib/ids';
import { localized } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { OnlineMethodOptions, providersAvailable, stripeConfigured } from '../payments';
import { categories } from '../lib/categories';
import { Layout } from '../views/layout';
import { Script } from '../views/assets';
import { closeGroupBuy } from './group-buys.close';
import { fill, gbText, type GbText } from './group-buys.i18n';
import { claimIdempotency } from '../lib/idempotency';
import { joinGroupBuy } from './group-buys.join';
import { cancelParticipation, maskPhone, ownParticipantView, requireParticipationByToken, type OwnParticipantView } from './group-buys.participants';
import { findByPickupCode, pickupList, recordPickup, remainingToPickUp } from './group-buys.pickup';
import { canManage, canRunDesk, requireGroupBuyManager, requireGroupBuyStaff, requirePickupStaff } from './group-buys.policy';
import { qrSvg } from './group-buys.qr';
import { findGroupBuyByShortCode, loadParticipations, requireGroupBuy, type GroupBuyRow, type Participation } from './group-buys.queries';
import { repeatInput } from './group-buys.repeat';
import { createGroupBuySchema, joinSchema } from './group-buys.routes';
import {
  MAX_OPEN_DAYS,
  MAX_PICKUP_DELAY_DAYS,
  instantsOf,
  ORGANIZER_KINDS,
  createGroupBuy,
  groupBuyView,
  listGroupBuys,
  pickableProducts,
  shareUrl,
  verifiedShowrooms,
  type CreateGroupBuyInput,
  type GroupBuyView,
} from './group-buys.service';
import { Errors, ItemCards, Progress, StatusBadge, TimeLeft, gbCss, itemName, pickupWindowText, shanghaiTime, thresholdText } from './group-buys.views';
import { deskTally, findByPhoneTail, revealPhone } from './group-buys.desk';
import { joinedNeighbours, shareImages } from './group-buys.share';
import { Countdown, ShareHead, ShareHero, StillNeeded, Stepper, defaultQuantity, shareDescription } from './group-buys.share-views';
import { myJoinPages } from './group-buys.mine.pages';
import { DeskCodeForm, DeskRefusalCard, DeskResultCard, DeskTallyBar, PhonePickList, PhoneTailForm, deskRefusal } from './group-buys.desk-views';

/**
 * Server-rendered group-buy pages, mobile first, Chinese by default. They call the same services
 * as the API; form posts come back as redirects (post/redirect/get) or the form with its errors.
 */
export const groupBuyPages = new Hono<AppEnv>();

type C = Context<AppEnv>;

function page(c: C, title: string, body: Child, status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 502 = 200, head?: Child) {
  const url = new URL(c.req.url);
  return c.html(
    <Layout title={title} locale={c.var.locale} path={`${url.pathname}${url.search}`} actor={c.var.actor} head={head}>
      <style dangerouslySetInnerHTML={{ __html: gbCss }} />
      {body}
      <Script name="js/group-buy-live.js" />
    </Layout>,
    status,
  );
}

const t = (c: C): GbText => gbText(c.var.locale);
const now = () => Date.now();

groupBuyPages.onError((error, c) => {
  if (!(error instanceof AppError)) return handleError(error, c);
  if (error.code === 'unauthenticated') {
    const url = new URL(c.req.url);
    return c.redirect(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  return page(c, t(c).error, <Errors errors={error.message} t={t(c)} />, error.status as 404);
});

async function viewOf(c: C, group: GroupBuyRow) {
  return groupBuyView(c.var.db, group, { now: now(), appUrl: c.env.APP_URL });
}

async function groupByShortCode(c: C): Promise<GroupBuyRow> {
  const group = await findGroupBuyByShortCode(c.var.db, c.req.param('shortCode') ?? '');
  if (!group) throw new AppError('not_found', 'No group buy behind this link');
  return group;
}

function Header({ view, m }: { view: GroupBuyView; m: GbText }) {
  return (
    <header class="stack">
      <h1>
        {view.title} <StatusBadge status={view.status} t={m} />
      </h1>
      {view.closedReason ? <p class="muted">{m[`closedReason_${view.closedReason as 'deadline'}`] ?? view.closedReason}</p> : null}
      {view.description ? <p>{view.description}</p> : null}
    </header>
  );
}

// ---------------------------------------------------------------------------------------------
// Join page (public): /g/:shortCode
// ---------------------------------------------------------------------------------------------

function JoinForm({ view, m, c, errors, values }: { view: GroupBuyView; m: GbText; c: C; errors: FieldError[] | string | null; values: Record<string, string> }) {
  return (
    <form method="post" action={`/g/${view.shortCode}`} class="card gb-form stack" aria-labelledby="join-title">
      <h2 id="join-title">{m.joinTitle}</h2>
      <Errors errors={errors} t={m} />
      <input type="hidden" name="idem" value={values.idem ?? randomToken(24)} />
      <fieldset>
        <legend>{m.chooseQuantities}</legend>
        <ItemCards view={view} t={m} locale={c.var.locale}>
          {(item) => <Stepper item={item} value={values[`qty_${item.productId}`] ?? defaultQuantity(view, view.items.indexOf(item))} m={m} locale={c.var.locale} />}
        </ItemCards>
      </fieldset>
      <div class="field">
        <label for="gb-name">{m.name}</label>
        <input id="gb-name" name="name" autocomplete="name" required maxlength={40} value={values.name ?? c.var.actor?.name ?? ''} />
      </div>
      <div class="field">
        <label for="gb-phone">{m.phone}</label>
        <input id="gb-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required value={values.phone ?? ''} aria-describedby="gb-phone-hint" />
        <div id="gb-phone-hint" class="muted">
          {m.phoneHint}
        </div>
      </div>
      <PaymentMethodChoice c={c} m={m} chosen={values.paymentMethod} />
      <div class="gb-sticky">
        <button type="submit" class="gb-big" data-testid="join-submit">
          {m.submitJoin}
        </button>
      </div>
    </form>
  );
}

/** How the resident pays; one component so the payment methods (WeChat Pay, Alipay) slot in here. */
function PaymentMethodChoice({ c, m, chosen }: { c: C; m: GbText; chosen: string | undefined }) {
  const stripe = stripeConfigured(c.env);
  const providers = providersAvailable(c.env);
  const anyProvider = providers.wechat_pay || providers.alipay;
  // WeChat Pay first where it is configured: what a Shanghai resident pays with in a WeChat group.
  const selected = chosen ?? (providers.wechat_pay ? 'wechat_pay' : providers.alipay ? 'alipay' : 'pay_at_pickup');
  return (
    <fieldset>
      <legend>{m.payment}</legend>
      {anyProvider ? <OnlineMethodOptions available={providers} selected={selected} locale={c.var.locale} /> : null}
      {stripe ? (
        <label class="choice">
          <input type="radio" name="paymentMethod" value="stripe" checked={selected === 'stripe'} /> {m.payOnline}
        </label>
      ) : null}
      <label class="choice">
        <input type="radio" name="paymentMethod" value="pay_at_pickup" checked={selected === 'pay_at_pickup'} /> {m.payAtPickup}
      </label>
      {stripe || anyProvider ? <p class="muted">{m.onlineNote}</p> : <p class="notice">{m.onlineUnavailable}</p>}
    </fieldset>
  );
}

async function joinPage(c: C, group: GroupBuyRow, errors: FieldError[] | string | null = null, values: Record<string, string> = {}, status: 200 | 409 | 422 = 200) {
  const m = t(c);
  const view = await viewOf(c, group);
  const [images, neighbours] = await Promise.all([shareImages(c.var.db, view, c.env.APP_URL), joinedNeighbours(c.var.db, group.id)]);
  const description = shareDescription(view, m, c.var.locale);
  return page(
    c,
    view.title,
    <article class="stack gb-share-page">
      <ShareHero view={view} images={images} m={m} locale={c.var.locale} />
      <Countdown view={view} m={m} />
      <StillNeeded view={view} neighbours={neighbours} m={m} />
      {view.description ? <p>{view.description}</p> : null}
      <TimeLeft view={view} t={m} />
      <Progress view={view} t={m} />
      {view.joinable ? (
        <JoinForm view={view} m={m} c={c} errors={errors} values={values} />
      ) : (
        <>
          <Errors errors={errors} t={m} />
          <p class="notice">{m.notJoinable}</p>
          <ItemCards view={view} t={m} locale={c.var.locale} />
        </>
      )}
      <Script name="js/group-buy-stepper.js" />
    </article>,
    status,
    <ShareHead view={view} images={images} description={description} />,
  );
}

groupBuyPages.get('/g/:shortCode', async (c) => joinPage(c, await groupByShortCode(c)));

groupBuyPages.post('/g/:shortCode', async (c) => {
  const group = await groupByShortCode(c);
  const form = (await c.req.parseBody()) as Record<string, string>;
  const m = t(c);
  const items = Object.entries(form)
    .filter(([key, value]) => key.startsWith('qty_') && value !== '' && value !== '0')
    .map(([key, value]) => ({ productId: key.slice(4), quantity: Number(value) }));
  if (items.length === 0) return joinPage(c, group, m.pickQuantity, form, 422);
  const parsed = parseForm(joinSchema, { name: form.name, phone: form.phone, items, paymentMethod: form.paymentMethod }, c.var.locale);
  if (!parsed.success) {
    const view = await viewOf(c, group);
    const fields: Record<string, string> = { name: m.name, phone: m.phone, paymentMethod: m.payment };
    const issues = parsed.issues.map((issue) => (issue.path === 'phone' ? { ...issue, message: m.phoneInvalid } : issue));
    const errors = withLabels(issues, c.var.locale, (path) => {
      const index = /^items\.(\d+)/.exec(path)?.[1];
      const item = index === undefined ? undefined : view.items.find((i) => i.productId === items[Number(index)]?.productId);
      return item ? itemName(item, c.var.locale) : fields[path];
    });
    return joinPage(c, group, errors, form, 422);
  }
  try {
    const joined = await joinGroupBuy(
      c.var.db,
      { groupBuyId: group.id, ...parsed.data },
      {
        now: now(),
        appUrl: c.env.APP_URL,
        env: c.env,
        actor: c.var.actor,
        // The hidden per-render key makes a double tap or a resubmitted form join once.
        idempotency: await claimIdempotency(`group-buy-join:${group.id}`, c.var.actor, form.idem || undefined, parsed.data),
      },
    );
    if (joined.payment?.checkoutUrl) return c.redirect(joined.payment.checkoutUrl, 303);
    return c.redirect(`${new URL(joined.meUrl).pathname}${new URL(joined.meUrl).search}&joined=1`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return joinPage(c, group, joinRefusal(error, await viewOf(c, group), parsed.data.items, m, c.var.locale), form, error.status === 409 ? 409 : 422);
    }
    throw error;
  }
});

/** A refused join in the resident's language, naming the product concerned. */
function joinRefusal(error: AppError, view: GroupBuyView, items: { productId: string }[], m: GbText, locale: C['var']['locale']): FieldError[] | string {
  const itemOf = (productId: unknown) => view.items.find((i) => i.productId === productId);
  if (error.code === 'invalid_state' || error.code === 'conflict') return m.notJoinable;
  if (error.code === 'insufficient_stock') {
    const item = itemOf(error.extensions?.productId);
    return item ? fill(m.onlyLeft, { name: itemName(item, locale), n: String(error.extensions?.available ?? 0) }) : error.message;
  }
  return (error.errors ?? [{ path: '', message: error.message }]).map((e) => {
    const index = /items\.(\d+)\.quantity$/.exec(e.path)?.[1];
    const item = index === undefined ? undefined : itemOf(items[Number(index)]?.productId);
    return item ? { path: e.path, message: `${itemName(item, locale)}: ${fill(m.moqStep, { moq: item.minOrderQuantity, step: item.orderStep })}` } : e;
  });
}

// ---------------------------------------------------------------------------------------------
// Participant page: /g/:shortCode/me?token=
// ---------------------------------------------------------------------------------------------

function ParticipantCard({ p, m, c }: { p: OwnParticipantView; m: GbText; c: C }) {
  return (
    <section class="card stack">
      <h2>{m.yourItems}</h2>
      <div class="table-wrap">
        <table>
          <tbody>
            {p.items.map((i) => (
              <tr>
                <td>{itemName(i, c.var.locale)}</td>
                <td>
                  × {i.quantity} {localized(i, 'unit', c.var.locale)}
                </td>
                <td>{formatFen(i.lineTotalFen)}</td>
              </tr>
            ))}
            <tr>
              <th colSpan={2}>{m.total}</th>
              <th>{formatFen(p.totalFen)}</th>
            </tr>
          </tbody>
        </table>
      </div>
      <dl class="facts">
        <dt>{m.participantStatus}</dt>
        <dd>
          <span class="badge">{m[`pstatus_${p.status}`]}</span>
        </dd>
        <dt>{m.payment}</dt>
        <dd>{p.paymentMethod === 'wechat_pay' || p.paymentMethod === 'alipay' || p.paymentMethod === 'stripe' ? m[`method_${p.paymentMethod}`] : m.payAtPickup}</dd>
        {p.refund ? (
          <>
            <dt>{m.refund}</dt>
            <dd>
              {m[`refundStatus_${p.refund.status}`]} · {formatFen(p.refund.amountFen)}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** After joining: invite neighbours first, then the code as text and QR, the pickup window and place; cancel last. */
function InviteNeighbours({ view, m }: { view: GroupBuyView; m: GbText }) {
  return (
    <section class="gb-invite stack" aria-labelledby="invite-title">
      <h2 id="invite-title">{m.inviteTitle}</h2>
      <p class="muted">{m.inviteHint}</p>
      <input readonly value={view.shareUrl} aria-label={m.shareLink} data-testid="share-url" />
      <p class="row">
        <a class="button" href={view.shareUrl}>
          {m.copyLink}
        </a>
        <a class="button secondary" href={`/group-buys/${view.id}/poster`}>
          {m.savePoster}
        </a>
      </p>
    </section>
  );
}

function PickupCodeBlock({ code, view, m }: { code: string; view: GroupBuyView; m: GbText }) {
  return (
    <section class="stack" aria-labelledby="code-label">
      <h2 id="code-label">{m.yourCode}</h2>
      <div class="gb-code" data-testid="pickup-code">
        {code}
      </div>
      <div class="gb-qr" role="img" aria-label={`${m.codeQr}: ${code}`} data-testid="pickup-qr" dangerouslySetInnerHTML={{ __html: qrSvg(code) }} />
      <p class="muted">{m.codeHint}</p>
      <dl class="facts">
        <dt>{m.pickupWindow}</dt>
        <dd data-testid="me-pickup-window">{pickupWindowText(view.pickupWindow, m)}</dd>
        <dt>{m.pickupPoint}</dt>
        <dd>
          {view.pickup.name}
          {view.pickup.address ? <div class="muted">{view.pickup.address}</div> : null}
        </dd>
      </dl>
    </section>
  );
}

groupBuyPages.get('/g/:shortCode/me', async (c) => {
  const group = await groupByShortCode(c);
  const m = t(c);
  const token = c.req.query('token');
  const [p] = token ? await loadParticipations(c.var.db, group.id, { accessToken: token }) : [];
  // Never a hint of whose place this is without the token; said in the page's language.
  if (!p) {
    return page(
      c,
      m.myPage,
      <section class="stack">
        <p class="error" role="alert">
          {m.noToken}
        </p>
        <p>
          <a class="button" href="/my/group-buys">
            {m.findMyJoins}
          </a>
        </p>
      </section>,
      404,
    );
  }
  const view = await viewOf(c, group);
  const own = ownParticipantView(group, p, c.env.APP_URL);
  const active = p.status === 'pending_payment' || p.status === 'paid';
  return page(
    c,
    `${m.myPage} · ${view.title}`,
    <article class="stack">
      {c.req.query('joined') ? (
        <p class="notice" role="status">
          {m.joinedNotice}
        </p>
      ) : null}
      <h1>{view.title}</h1>
      {view.status === 'open' ? <InviteNeighbours view={view} m={m} /> : null}
      <PickupCodeBlock code={p.pickupCode} view={view} m={m} />
      {own.payment?.checkoutUrl ? (
        <p>
          {c.req.query('paid') ? <span class="notice">{m.paymentProcessing}</span> : null}{' '}
          <a class="button" href={own.payment.checkoutUrl}>
            {m.payNow}
          </a>
        </p>
      ) : null}
      <ParticipantCard p={own} m={m} c={c} />
      <Progress view={view} t={m} />
      <p class="muted">
        {m.myPageHint} <a href={own.meUrl}>{m.myPage}</a>
      </p>
      <p>
        <a href={`/g/${group.shortCode}`}>{m.backToGroup}</a>
      </p>
      {active && view.status === 'open' && view.secondsLeft > 0 ? (
        <details class="muted">
          <summary>{m.cancel}</summary>
          <form method="post" action={`/g/${group.shortCode}/me/cancel?token=${encodeURIComponent(p.accessToken)}`}>
            <p>{m.cancelConfirm}</p>
            <button type="submit" class="secondary">
              {m.cancel}
            </button>
          </form>
        </details>
      ) : null}
    </article>,
  );
});

groupBuyPages.post('/g/:shortCode/me/cancel', async (c) => {
  const group = await groupByShortCode(c);
  const token = c.req.query('token');
  const p = await requireParticipationByToken(c.var.db, group.id, token);
  await cancelParticipation(c.var.db, c.env, { groupBuyId: group.id, participantId: p.id, token }, { now: now(), actor: c.var.actor });
  return c.redirect(`/g/${group.shortCode}/me?token=${encodeURIComponent(p.accessToken)}`, 303);
});

// ---------------------------------------------------------------------------------------------
// Organiser: list, create, manage, poster, QR
// ---------------------------------------------------------------------------------------------

groupBuyPages.get('/group-buys', async (c) => {
  const m = t(c);
  const actor = c.var.actor;
  if (!actor) throw new AppError('unauthenticated', m.signInNeeded);
  const { rows } = await listGroupBuys(c.var.db, { organizationIds: actor.memberships.map((x) => x.organizationId) }, { limit: 50 });
  const views = await Promise.all(rows.map((g) => viewOf(c, g)));
  return page(
    c,
    m.myGroupBuys,
    <article class="stack">
      <h1>{m.myGroupBuys}</h1>
      {organizerMemberships(c).length > 0 ? (
        <p>
          <a class="button" href="/group-buys/new">
            {m.newGroupBuy}
          </a>
        </p>
      ) : null}
      {views.length === 0 ? <p class="muted">{m.none}</p> : null}
      <ul class="grid gb-items" role="list">
        {views.map((v) => (
          <li class="card stack">
            <h3>
              <a href={canManage(actor, rows.find((r) => r.id === v.id)!) ? `/group-buys/${v.id}/manage` : `/g/${v.shortCode}`}>{v.title}</a>
            </h3>
            <StatusBadge status={v.status} t={m} />
            <div class="muted">
              {m.closesAt}: {shanghaiTime(v.closesAt)}
            </div>
            <div>
              {m.participants}: {v.progress.committedParticipants}
              {v.minParticipants ? ` / ${v.minParticipants}` : ''}
            </div>
            {canRunDesk(actor, rows.find((r) => r.id === v.id)!) && v.status === 'succeeded' ? <a href={`/group-buys/${v.id}/desk`}>{m.desk}</a> : null}
          </li>
        ))}
      </ul>
    </article>,
  );
});

function organizerMemberships(c: C) {
  return (c.var.actor?.memberships ?? []).filter(
    (x) => (x.role === 'owner' || x.role === 'purchaser') && (ORGANIZER_KINDS as readonly string[]).includes(x.kind) && x.status === 'verified',
  );
}

type CreateValues = Record<string, string | string[]>;

async function createPage(c: C, values: CreateValues = {}, errors: FieldError[] | string | null = null, status: 200 | 400 | 422 = 200) {
  const m = t(c);
  const orgs = organizerMemberships(c);
  if (!c.var.actor) throw new AppError('unauthenticated', m.signInNeeded);
  if (orgs.length === 0) return page(c, m.newGroupBuy, <p class="notice">{m.noOrganization}</p>, 403 as 200);
  const [products, showrooms] = await Promise.all([pickableProducts(c.var.db), verifiedShowrooms(c.var.db)]);
  const included = new Set([values.include ?? []].flat());
  const v = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '');
  const defaultDeadline = shanghaiTime(now() + 3 * 24 * 60 * 60 * 1000).replace(' ', 'T');
  const defaultPickupDay = shanghaiTime(now() + 4 * 24 * 60 * 60 * 1000).slice(0, 10);
  return page(
    c,
    m.newGroupBuy,
    <form method="post" action="/group-buys/new" class="gb-form stack">
      <h1>{m.newGroupBuy}</h1>
      <Errors errors={errors} t={m} />
      <div class="field">
        <label for="f-org">{m.organization}</label>
        <select id="f-org" name="organizationId">
          {orgs.map((o) => (
            <option value={o.organizationId} selected={v('organizationId') === o.organizationId}>
              {o.organizationName}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-title">{m.title}</label>
        <input id="f-title" name="title" required minlength={2} maxlength={80} value={v('title')} />
      </div>
      <div class="field">
        <label for="f-desc">{m.description}</label>
        <textarea id="f-desc" name="description" rows={3} maxlength={2000}>
          {v('description')}
        </textarea>
      </div>
      <div class="field">
        <label for="f-closes">{m.deadline}</label>
        <input id="f-closes" name="closesAt" type="datetime-local" required value={v('closesAt') || defaultDeadline} />
      </div>
      <PickupWindowFields m={m} v={v} defaultDay={defaultPickupDay} />
      <label class="gb-check">
        <input type="checkbox" name="repeatWeekly" value="1" checked={v('repeatWeekly') === '1'} /> {m.repeatWeekly}
      </label>
      <div class="field">
        <label for="f-pickup">{m.pickupPoint}</label>
        <select id="f-pickup" name="pickupOrganizationId">
          {orgs
            .filter((o) => !showrooms.some((s) => s.id === o.organizationId))
            .map((o) => (
              <option value={o.organizationId} selected={v('pickupOrganizationId') === o.organizationId}>
                {o.organizationName}
              </option>
            ))}
          {showrooms.map((s) => (
            <option value={s.id} selected={v('pickupOrganizationId') === s.id}>
              {c.var.locale === 'en' ? s.nameEn ?? s.name : s.name}
            </option>
          ))}
        </select>
      </div>
      <div class="row">
        <div class="field">
          <label for="f-minp">
            {m.minParticipants} ({m.optional})
          </label>
          <input id="f-minp" name="minParticipants" type="number" min={1} inputmode="numeric" value={v('minParticipants')} />
        </div>
        <div class="field">
          <label for="f-minq">
            {m.minQuantity} ({m.optional})
          </label>
          <input id="f-minq" name="minQuantity" type="number" min={1} inputmode="numeric" value={v('minQuantity')} />
        </div>
        <div class="field">
          <label for="f-cap">
            {m.capacityLabel} ({m.optional})
          </label>
          <input id="f-cap" name="capacity" type="number" min={1} inputmode="numeric" value={v('capacity')} />
        </div>
      </div>
      <fieldset>
        <legend>{m.products}</legend>
        <p class="muted">{m.productsHint}</p>
        {categories
          .filter((category) => products.some((p) => p.category === category.id))
          .map((category) => {
            const inCategory = products.filter((p) => p.category === category.id);
            return (
              <details class="gb-category" open={inCategory.some((p) => included.has(p.id))}>
                <summary>
                  {localized(category, 'name', c.var.locale)} ({inCategory.length})
                </summary>
                {inCategory.map((p) => (
                  <div class="gb-product">
                    <input type="checkbox" id={`inc-${p.id}`} name="include" value={p.id} checked={included.has(p.id)} />
                    <label for={`inc-${p.id}`}>
                      <strong>{itemName(p, c.var.locale)}</strong> · {localized(p, 'spec', c.var.locale)} · {m.listPrice} {formatFen(p.unitPriceFen)}/
                      {localized(p, 'unit', c.var.locale)}
                    </label>
                    <div class="inputs">
                      <label>
                        {m.groupPriceYuan}
                        <input
                          name={`price_${p.id}`}
                          inputmode="decimal"
                          placeholder={(p.unitPriceFen / 100).toFixed(2)}
                          value={v(`price_${p.id}`)}
                          aria-label={`${m.groupPriceYuan} ${p.nameZh}`}
                        />
                      </label>
                      <label>
                        {m.cap}
                        <input name={`cap_${p.id}`} type="number" min={1} inputmode="numeric" value={v(`cap_${p.id}`)} aria-label={`${m.cap} ${p.nameZh}`} />
                      </label>
                    </div>
                  </div>
                ))}
              </details>
            );
          })}
      </fieldset>
      <button type="submit">{m.create}</button>
    </form>,
    status,
  );
}

/** "周六 10–12 点": one day and two times, all Beijing time. */
function PickupWindowFields(props: { m: GbText; v: (key: string) => string; defaultDay: string }) {
  const { m, v } = props;
  return (
    <fieldset class="row">
      <legend>{m.pickupWindow}</legend>
      <div class="field">
        <label for="f-pickup-day">{m.pickupDay}</label>
        <input id="f-pickup-day" name="pickupDay" type="date" required value={v('pickupDay') || props.defaultDay} />
      </div>
      <div class="field">
        <label for="f-pickup-from">{m.pickupFrom}</label>
        <input id="f-pickup-from" name="pickupFrom" type="time" required value={v('pickupFrom') || '10:00'} />
      </div>
      <div class="field">
        <label for="f-pickup-to">{m.pickupTo}</label>
        <input id="f-pickup-to" name="pickupTo" type="time" required value={v('pickupTo') || '12:00'} />
      </div>
    </fieldset>
  );
}

/** A Beijing-time day and clock time from the form as an ISO instant; anything else is passed on for the schema to refuse. */
export function beijingInstant(day: string, time: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && /^\d{2}:\d{2}$/.test(time) ? `${day}T${time}:00+08:00` : `${day}T${time}`;
}

groupBuyPages.get('/group-buys/new', (c) => createPage(c));

/** "再开一团": the create form filled in from a past group, dates moved on by whole weeks; nothing is written until it is sent. */
groupBuyPages.get('/group-buys/:id/repeat', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  requireGroupBuyManager(c, group);
  return createPage(c, formValuesOf(await repeatInput(c.var.db, group, now())));
});

function formValuesOf(input: CreateGroupBuyInput): CreateValues {
  const values: CreateValues = {
    organizationId: input.organizationId,
    title: input.title,
    description: input.description ?? '',
    closesAt: shanghaiTime(input.closesAt).replace(' ', 'T'),
    pickupDay: shanghaiTime(input.pickupStartsAt).slice(0, 10),
    pickupFrom: shanghaiTime(input.pickupStartsAt).slice(11),
    pickupTo: shanghaiTime(input.pickupEndsAt).slice(11),
    pickupOrganizationId: input.pickupOrganizationId,
    minParticipants: input.minParticipants?.toString() ?? '',
    minQuantity: input.minQuantity?.toString() ?? '',
    capacity: input.capacity?.toString() ?? '',
    repeatWeekly: input.repeatWeekly ? '1' : '',
    include: input.items.map((i) => i.productId),
  };
  for (const item of input.items) {
    if (item.unitPriceFen !== undefined) values[`price_${item.productId}`] = (item.unitPriceFen / 100).toFixed(2);
    if (item.maxQuantity !== undefined) values[`cap_${item.productId}`] = String(item.maxQuantity);
  }
  return values;
}

/** Turns the create form into the API's request body, so both go through the same schema and service. */
function createRequestFromForm(form: CreateValues, m: GbText, locale: C['var']['locale']): { body?: unknown; errors: FieldError[] } {
  const one = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
  const optionalInt = (key: string) => (one(key) === '' ? undefined : Number(one(key)));
  const errors: FieldError[] = [];
  const items = [form.include ?? []].flat().map((productId, index) => {
    const price = one(`price_${productId}`);
    const unitPriceFen = price === '' ? undefined : parseYuanToFen(price);
    if (unitPriceFen === null) errors.push({ path: `items.${index}.unitPriceFen`, message: labelled(m.groupPriceYuan, fill(m.notAPrice, { v: price }), locale) });
    return { productId, unitPriceFen: unitPriceFen ?? undefined, maxQuantity: optionalInt(`cap_${productId}`) };
  });
  const closesAt = one('closesAt');
  const body = {
    organizationId: one('organizationId'),
    title: one('title'),
    description: one('description') || undefined,
    // datetime-local carries no zone: the form says Beijing time.
    closesAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(closesAt) ? `${closesAt}:00+08:00` : closesAt,
    pickupStartsAt: beijingInstant(one('pickupDay'), one('pickupFrom')),
    pickupEndsAt: beijingInstant(one('pickupDay'), one('pickupTo')),
    pickupOrganizationId: one('pickupOrganizationId'),
    minParticipants: optionalInt('minParticipants'),
    minQuantity: optionalInt('minQuantity'),
    capacity: optionalInt('capacity'),
    repeatWeekly: one('repeatWeekly') === '1',
    items,
  };
  return { body, errors };
}

/** The create form's fields by schema path: each one's label, and the product behind an item's fields. */
async function createFormFields(c: C, form: CreateValues) {
  const m = t(c);
  const fields: Record<string, string> = {
    organizationId: m.organization,
    title: m.title,
    description: m.description,
    closesAt: m.deadline,
    pickupStartsAt: m.pickupFrom,
    pickupEndsAt: m.pickupTo,
    pickupOrganizationId: m.pickupPoint,
    minParticipants: m.minParticipants,
    minQuantity: m.minQuantity,
    capacity: m.capacityLabel,
    items: m.products,
  };
  const included = [form.include ?? []].flat();
  const products = new Map((await pickableProducts(c.var.db)).map((p) => [p.id, p]));
  const productAt = (path: string) => {
    const index = /^items\.(\d+)\./.exec(path)?.[1];
    return index === undefined ? undefined : products.get(included[Number(index)] ?? '');
  };
  const label = (path: string) => {
    const item = /^items\.\d+\.(\w+)$/.exec(path);
    if (!item) return fields[path];
    const product = productAt(path);
    const field = item[1] === 'unitPriceFen' ? m.groupPriceYuan : item[1] === 'maxQuantity' ? m.cap : '';
    return [product ? itemName(product, c.var.locale) : m.products, field].filter(Boolean).join(' · ');
  };
  return { label, productAt };
}

/** The service's refusals, reworded in the page's language by the rule each one names. */
async function createRefusals(c: C, form: CreateValues, errors: FieldError[]): Promise<FieldError[]> {
  const m = t(c);
  const { label, productAt } = await createFormFields(c, form);
  return errors.map((error) => {
    const path = error.path.replace(/^body\./, '');
    const product = productAt(path);
    const words: Record<string, string | undefined> = {
      deadline_past: m.ruleDeadlinePast,
      deadline_too_far: fill(m.ruleDeadlineTooFar, { n: MAX_OPEN_DAYS }),
      capacity_below_minimum: m.ruleCapacityBelowMinimum,
      pickup_window_inverted: m.rulePickupWindowInverted,
      pickup_before_deadline: m.rulePickupBeforeDeadline,
      pickup_too_late: fill(m.rulePickupTooLate, { n: MAX_PICKUP_DELAY_DAYS }),
      pickup_point_invalid: m.rulePickupPointInvalid,
      duplicate_product: m.ruleDuplicateProduct,
      unknown_product: m.ruleUnknownProduct,
      product_unavailable: m.ruleProductUnavailable,
      price_above_list: product ? fill(m.rulePriceAboveList, { price: formatFen(product.unitPriceFen) }) : undefined,
      cap_below_moq: product ? fill(m.ruleCapBelowMoq, { n: product.minOrderQuantity }) : undefined,
    };
    const message = error.rule ? words[error.rule] : undefined;
    return message ? { ...error, message: labelled(label(path), message, c.var.locale) } : error;
  });
}

groupBuyPages.post('/group-buys/new', async (c) => {
  const m = t(c);
  const actor = c.var.actor;
  if (!actor) throw new AppError('unauthenticated', m.signInNeeded);
  const form = (await c.req.parseBody({ all: true })) as CreateValues;
  const { body, errors } = createRequestFromForm(form, m, c.var.locale);
  const parsed = parseForm(createGroupBuySchema, body, c.var.locale);
  if (errors.length > 0 || !parsed.success) {
    const all = [...errors, ...(parsed.success ? [] : withLabels(parsed.issues, c.var.locale, (await createFormFields(c, form)).label))];
    return createPage(c, form, all, 422);
  }
  const input = parsed.data;
  if (!organizerMemberships(c).some((o) => o.organizationId === input.organizationId)) {
    return createPage(c, form, m.noOrganization, 422);
  }
  try {
    const group = await createGroupBuy(c.var.db, actor, instantsOf(input), { now: now() });
    return c.redirect(`/group-buys/${group.id}/manage`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return createPage(c, form, error.errors ? await createRefusals(c, form, error.errors) : error.message, 422);
    throw error;
  }
});

groupBuyPages.get('/group-buys/:id/manage', async (c) => {
  const m = t(c);
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  const actor = requireGroupBuyManager(c, group);
  const view = await viewOf(c, group);
  return page(
    c,
    `${m.manage} · ${view.title}`,
    <article class="stack">
      <Header view={view} m={m} />
      <TimeLeft view={view} t={m} />
      <Progress view={view} t={m} />
      <section class="card stack gb-share">
        <h2>{m.shareLink}</h2>
        <input readonly value={view.shareUrl} aria-label={m.shareLink} onfocus="this.select()" />
        <div class="gb-qr" role="img" aria-label={`${m.qrCode}: ${view.shareUrl}`} dangerouslySetInnerHTML={{ __html: qrSvg(view.shareUrl) }} />
        <p class="row">
          <a href={`/group-buys/${view.id}/qr.svg`} download={`group-buy-${view.shortCode}.svg`}>
            {m.downloadQr}
          </a>
          <a href={`/group-buys/${view.id}/poster`}>{m.poster}</a>
          <a href={`/g/${view.shortCode}`}>{m.join}</a>
        </p>
      </section>
      <p class="row">
        {canRunDesk(actor, group) ? <a href={`/group-buys/${view.id}/desk`}>{m.desk}</a> : null}
        <a href={`/group-buys/${view.id}/pickup-list`}>{m.pickupList}</a>
        <a href={`/group-buys/${view.id}/repeat`} data-testid="repeat-group">
          {m.repeatGroup}
        </a>
      </p>
      {view.status === 'open' ? (
        <form method="post" action={`/group-buys/${view.id}/close`} data-confirm={m.closeConfirm}>
          <button type="submit" class="danger">
            {m.closeNow}
          </button>
        </form>
      ) : null}
    </article>,
  );
});

groupBuyPages.post('/group-buys/:id/close', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  const actor = requireGroupBuyManager(c, group);
  await closeGroupBuy(c.var.db, c.env, group.id, { now: now(), reason: 'organizer', actor });
  return c.redirect(`/group-buys/${group.id}/manage`, 303);
});

groupBuyPages.get('/group-buys/:id/qr.svg', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  return c.body(qrSvg(shareUrl(c.env.APP_URL, group.shortCode)), 200, {
    'content-type': 'image/svg+xml; charset=utf-8',
    'cache-control': 'public, max-age=86400',
  });
});

groupBuyPages.get('/group-buys/:id/poster', async (c) => {
  const m = t(c);
  const view = await viewOf(c, await requireGroupBuy(c.var.db, c.req.param('id')));
  return page(
    c,
    view.title,
    <article class="gb-poster stack">
      <h1>{view.title}</h1>
      {view.description ? <p>{view.description}</p> : null}
      <table>
        <tbody>
          {view.items.map((item) => (
            <tr>
              <td>{itemName(item, c.var.locale)}</td>
              <td>
                <span class="price">{formatFen(item.groupPriceFen)}</span>/{localized(item, 'unit', c.var.locale)}
              </td>
              <td>{item.listPriceFen > item.groupPriceFen ? <s class="muted">{formatFen(item.listPriceFen)}</s> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="gb-qr" role="img" aria-label={`${m.qrCode}: ${view.shareUrl}`} dangerouslySetInnerHTML={{ __html: qrSvg(view.shareUrl) }} />
      <p>
        <strong>{m.scanToJoin}</strong> · {view.shareUrl}
      </p>
      <p>
        {m.closesAt}: {shanghaiTime(view.closesAt)} · {m.threshold}: {thresholdText(view, m)}
      </p>
      <p>
        {m.pickupPoint}: {view.pickup.name} {view.pickup.address ?? ''}
      </p>
      <p class="no-print">
        <button type="button" data-print hidden>
          {m.print}
        </button>
      </p>
    </article>,
  );
});

// ---------------------------------------------------------------------------------------------
// Pickup desk and pickup list
// ---------------------------------------------------------------------------------------------

type DeskState = { code?: string; tail?: string; error?: string; done?: string; revealedPhone?: string };

/** The participant behind the typed code, or the refusal in the page's language. */
async function deskLookup(c: C, group: GroupBuyRow, code: string | undefined) {
  if (!code) return { participant: null, refusal: null };
  try {
    return { participant: await findByPickupCode(c.var.db, group, code), refusal: null };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return { participant: null, refusal: deskRefusal(error.errors, error.message, t(c)) };
  }
}

async function deskPage(c: C, group: GroupBuyRow, state: DeskState = {}) {
  const m = t(c);
  const view = await viewOf(c, group);
  const { participant, refusal } = await deskLookup(c, group, state.code);
  const tail = state.tail?.trim() ?? '';
  const matches = tail && !refusal ? await deskMatches(c, group, tail) : null;
  const refused = refusal ?? state.error ?? (typeof matches === 'string' ? matches : null);
  return page(
    c,
    `${m.desk} · ${view.title}`,
    <article class="stack gb-desk">
      <h1>
        {m.desk} · {view.title}
      </h1>
      <p class="muted">
        {m.pickupWindow}: {pickupWindowText(view.pickupWindow, m)} · {view.pickup.name}
      </p>
      <DeskTallyBar tally={await deskTally(c.var.db, group.id)} m={m} />
      {state.done ? (
        <p class="gb-result ok" role="status" data-testid="desk-done">
          <span class="gb-mark" aria-hidden="true">
            ✓
          </span>{' '}
          {fill(m.handedOver, { code: state.done })}
        </p>
      ) : null}
      {view.status !== 'succeeded' ? <p class="notice">{view.status === 'open' ? m.ruleNotFormedYet : m.ruleGroupFailed}</p> : null}
      <DeskCodeForm groupBuyId={view.id} code={participant ? '' : (state.code ?? '')} m={m} />
      {refused ? <DeskRefusalCard message={refused} /> : null}
      {participant ? (
        <DeskResultCard groupBuyId={view.id} p={participant} handoverKey={randomToken(16)} revealedPhone={state.revealedPhone ?? null} m={m} locale={c.var.locale} />
      ) : null}
      {Array.isArray(matches) ? <PhonePickList groupBuyId={view.id} tail={tail} matches={matches} m={m} locale={c.var.locale} /> : null}
      <PhoneTailForm groupBuyId={view.id} tail={tail} m={m} />
      <p>
        <a href={`/group-buys/${view.id}/pickup-list`}>{m.pickupList}</a>
      </p>
      <Script name="js/desk-scan.js" />
    </article>,
    refused ? (participant ? 200 : 404) : 200,
  );
}

async function deskMatches(c: C, group: GroupBuyRow, tail: string): Promise<Participation[] | string> {
  try {
    return await findByPhoneTail(c.var.db, group, tail);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return deskRefusal(error.errors, error.message, t(c));
  }
}

groupBuyPages.get('/group-buys/:id/desk', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  requirePickupStaff(c, group);
  return deskPage(c, group, { code: c.req.query('code') || undefined, tail: c.req.query('tail') || undefined, done: c.req.query('done') || undefined });
});

groupBuyPages.post('/group-buys/:id/desk', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  const actor = requirePickupStaff(c, group);
  const form = (await c.req.parseBody()) as Record<string, string>;
  const items = Object.entries(form)
    .filter(([key]) => key.startsWith('qty_'))
    .map(([key, value]) => ({ productId: key.slice(4), quantity: Number(value || 0) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
  // A form without quantity fields (a scanner's quick hand-over) hands over everything left.
  const request = { pickupCode: form.code ?? '', items: Object.keys(form).some((key) => key.startsWith('qty_')) ? items : undefined };
  try {
    // The form's key makes a hand-over re-sent after a timeout (or a double tap) count once.
    const idempotency = await claimIdempotency(`group-buy-pickup:${group.id}`, actor, form.handoverKey || undefined, request);
    const p = await recordPickup(c.var.db, { groupBuyId: group.id, ...request }, { now: now(), actor, idempotency });
    return c.redirect(`/group-buys/${group.id}/desk?done=${p.pickupCode}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return deskPage(c, group, { error: deskRefusal(error.errors, error.message, t(c)) });
    }
    throw error;
  }
});

/** One tap shows the full number to call the resident back; the reveal is audited. */
groupBuyPages.post('/group-buys/:id/desk/reveal', async (c) => {
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  const actor = requirePickupStaff(c, group);
  const form = (await c.req.parseBody()) as Record<string, string>;
  const p = await findByPickupCode(c.var.db, group, form.code ?? '');
  const revealedPhone = await revealPhone(c.var.db, group, p.id, { now: now(), actor });
  return deskPage(c, group, { code: p.pickupCode, revealedPhone });
});

groupBuyPages.get('/group-buys/:id/pickup-list', async (c) => {
  const m = t(c);
  const group = await requireGroupBuy(c.var.db, c.req.param('id'));
  requireGroupBuyStaff(c, group);
  const view = await viewOf(c, group);
  const rows: Participation[] = [];
  for (let afterCode: string | undefined, more = true; more; ) {
    const chunk = await pickupList(c.var.db, group.id, { limit: 80, afterCode });
    rows.push(...chunk.rows);
    more = chunk.hasMore;
    afterCode = chunk.rows.at(-1)?.pickupCode;
  }
  return page(
    c,
    `${m.pickupList} · ${view.title}`,
    <article class="stack gb-list">
      <h1>
        {m.pickupList} · {view.title}
      </h1>
      <p class="muted">
        {m.pickupPoint}: {view.pickup.name} · {rows.length} {m.rows} · <StatusBadge status={view.status} t={m} />
      </p>
      <p class="row no-print">
        <button type="button" data-print hidden>
          {m.print}
        </button>
        <a href={`/api/v1/group-buys/${view.id}/pickup-list?format=csv`}>{m.downloadCsv}</a>
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{m.pickupCode}</th>
              <th>{m.name}</th>
              <th>{m.phone}</th>
              <th>{m.yourItems}</th>
              <th>{m.participantStatus}</th>
              <th>{m.pickedUp}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr>
                <td>
                  <strong>{p.pickupCode}</strong>
                </td>
                <td>{p.name}</td>
                <td>{maskPhone(p.phone)}</td>
                <td>
                  {p.lines.map((l) => (
                    <div>
                      {itemName(l, c.var.locale)} × {l.quantity}
                    </div>
                  ))}
                </td>
                <td>{m[`pstatus_${p.status}`]}</td>
                <td>
                  {p.lines.map((l) => (
                    <div>
                      {l.pickedUpQuantity}/{l.quantity}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>,
  );
});

// 我的参团 (/my/group-buys), in its own file.
groupBuyPages.route('/', myJoinPages);
