import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import type { Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import {
  createInvitationSchema,
  createLocationSchema,
  createOrganizationSchema,
  updateLocationSchema,
  updateMemberSchema,
  updateOrganizationSchema,
} from './accounts.schemas';
import { kindLabel, roleLabel, statusLabel, t } from './accounts.i18n';
import * as deliveryLocations from './delivery-locations.service';
import * as invitations from './invitations.service';
import * as members from './members.service';
import * as organizations from './organizations.service';
import { countyOptions, districtOptions, type Option } from './places';
import { ErrorNotice, formFields, formInput, pageErrorHandler, pageStatus, parseWith, renderPage } from './pages.support';
import {
  CREATABLE_KINDS,
  isBuyerKind,
  PURCHASING_ROLES,
  requireActor,
  requireBuyerPurchaser,
  requireMemberRemoval,
  requireOrgMember,
  requireOrgOwner,
  rolesForKind,
} from './policy';

/** Pages to create an organisation and to run one: profile, members and roles, invitations, delivery locations. */

type Messages = ReturnType<typeof t>;

function Select({ id, name, options, value, placeholder, required }: { id: string; name: string; options: Option[]; value?: string | null; placeholder: string; required?: boolean }) {
  return (
    <select id={id} name={name} required={required}>
      <option value="">{placeholder}</option>
      {options.map((o) => (
        <option value={o.id} selected={o.id === value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: unknown }) {
  return (
    <div>
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

const invitationStatusLabel = (m: Messages, status: string) =>
  status === 'accepted' ? m.invitationStatusAccepted : status === 'canceled' ? m.invitationStatusCanceled : m.invitationStatusPending;

const fenToYuanText = (fen: number | null | undefined) => (fen === null || fen === undefined ? '' : (fen / 100).toFixed(2));

/** Field labels by API field name, so validation messages name what the user sees. */
function fieldLabels(m: Messages): Record<string, string> {
  return {
    kind: m.kind,
    name: m.orgName,
    nameEn: m.orgNameEn,
    contactPhone: m.contactPhone,
    districtId: m.district,
    countyId: m.county,
    certificationNo: m.certificationNo,
    invoiceTitle: m.invoiceTitle,
    taxId: m.taxId,
    annualTargetFen: m.annualTarget,
    pickupAddress: m.pickupAddress,
    storyZh: m.storyZh,
    storyEn: m.storyEn,
    role: m.role,
    perOrderLimitFen: m.perOrderLimit,
    email: m.email,
    label: m.label,
    recipient: m.recipient,
    phone: m.phone,
    street: m.street,
    receivingHours: m.receivingHours,
  };
}

// ---------------------------------------------------------------------------------------------------
// /organizations/new
// ---------------------------------------------------------------------------------------------------

async function renderNewOrganization(c: Context<AppEnv>, values: Record<string, string> = {}, error?: AppError) {
  const m = t(c.var.locale);
  const [districtList, countyList] = await Promise.all([districtOptions(c.var.db, c.var.locale), countyOptions(c.var.db, c.var.locale)]);
  return renderPage(
    c,
    m.newOrganization,
    <section class="stack" style="max-width:640px">
      <h1>{m.newOrganization}</h1>
      <p class="notice">{m.createHint}</p>
      <ErrorNotice error={error} labels={fieldLabels(m)} />
      <form method="post" action="/organizations/new" class="stack card">
        <Field id="kind" label={m.kind}>
          <select id="kind" name="kind" required>
            {CREATABLE_KINDS.map((k) => (
              <option value={k} selected={values.kind === k}>
                {kindLabel(c.var.locale, k)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="name" label={m.orgName}>
          <input id="name" name="name" required maxlength={100} value={values.name ?? ''} />
        </Field>
        <Field id="nameEn" label={m.orgNameEn}>
          <input id="nameEn" name="nameEn" maxlength={200} value={values.nameEn ?? ''} />
        </Field>
        <Field id="contactPhone" label={m.contactPhone}>
          <input id="contactPhone" name="contactPhone" type="tel" value={values.contactPhone ?? ''} />
        </Field>
        <fieldset class="stack" style="min-width:0">
          <legend>
            {kindLabel(c.var.locale, 'canteen')} / {kindLabel(c.var.locale, 'enterprise')} / {kindLabel(c.var.locale, 'showroom')}
          </legend>
          <Field id="districtId" label={m.district}>
            <Select id="districtId" name="districtId" options={districtList} value={values.districtId} placeholder={m.choose} />
          </Field>
          <Field id="invoiceTitle" label={m.invoiceTitle}>
            <input id="invoiceTitle" name="invoiceTitle" maxlength={200} value={values.invoiceTitle ?? ''} />
          </Field>
          <Field id="taxId" label={m.taxId}>
            <input id="taxId" name="taxId" maxlength={20} value={values.taxId ?? ''} />
          </Field>
          <Field id="annualTargetYuan" label={m.annualTarget}>
            <input id="annualTargetYuan" name="annualTargetYuan" inputmode="decimal" value={values.annualTargetYuan ?? ''} />
          </Field>
          <Field id="pickupAddress" label={m.pickupAddress}>
            <input id="pickupAddress" name="pickupAddress" maxlength={300} value={values.pickupAddress ?? ''} />
          </Field>
        </fieldset>
        <fieldset class="stack" style="min-width:0">
          <legend>{kindLabel(c.var.locale, 'cooperative')}</legend>
          <Field id="countyId" label={m.county}>
            <Select id="countyId" name="countyId" options={countyList} value={values.countyId} placeholder={m.choose} />
          </Field>
          <Field id="certificationNo" label={m.certificationNo}>
            <input id="certificationNo" name="certificationNo" maxlength={100} value={values.certificationNo ?? ''} />
          </Field>
        </fieldset>
        <button type="submit">{m.create}</button>
      </form>
    </section>,
    error ? pageStatus(error) : 200,
  );
}

// ---------------------------------------------------------------------------------------------------
// /organizations/:id
// ---------------------------------------------------------------------------------------------------

type PageState = { error?: AppError; saved?: boolean };

async function renderOrganization(c: Context<AppEnv>, id: string, state: PageState = {}) {
  const locale = c.var.locale;
  const m = t(locale);
  const actor = requireActor(c);
  const membership = requireOrgMember(c, id) ?? null;
  const org = await organizations.getOrganization(c.var.db, id);
  const buyer = isBuyerKind(org.kind);
  const canManage = actor.isAdmin || membership?.role === 'owner';
  const canPurchase = buyer && (actor.isAdmin || (membership !== null && (PURCHASING_ROLES as readonly string[]).includes(membership.role)));
  const [memberPage, invitationPage, locationPage, districtList, countyList] = await Promise.all([
    members.listMembers(c.var.db, id, { limit: 100 }),
    canManage ? invitations.listInvitations(c.var.db, c.env.APP_URL, id, { limit: 50 }) : null,
    canPurchase ? deliveryLocations.listLocations(c.var.db, id, { limit: 100 }) : null,
    districtOptions(c.var.db, locale),
    org.kind === 'cooperative' ? countyOptions(c.var.db, locale) : [],
  ]);
  const view = organizations.organizationView(org, actor);
  const roles = rolesForKind(org.kind);
  const districtName = (districtId: string | null) => districtList.find((d) => d.id === districtId)?.label ?? districtId ?? m.none;
  const base = `/organizations/${id}`;

  return renderPage(
    c,
    org.name,
    <div class="stack">
      <h1>
        {org.name} <span class={`badge${org.status === 'verified' ? '' : org.status === 'pending' ? ' warn' : ' bad'}`}>{statusLabel(locale, org.status)}</span>
      </h1>
      <p class="muted">
        {kindLabel(locale, org.kind)}
        {membership ? ` · ${roleLabel(locale, membership.role)}` : ''}
      </p>
      {org.status === 'pending' ? <p class="notice">{m.pendingNotice}</p> : null}
      {org.status === 'suspended' ? <p class="error">{m.suspendedNotice}</p> : null}
      {state.saved ? (
        <p class="notice" role="status">
          {m.saved}
        </p>
      ) : null}
      <ErrorNotice error={state.error} labels={fieldLabels(m)} />

      <section class="card" id="profile">
        <h2>{m.facts}</h2>
        <dl class="facts">
          {org.nameEn ? (
            <>
              <dt>{m.orgNameEn}</dt>
              <dd>{org.nameEn}</dd>
            </>
          ) : null}
          <dt>{m.contactPhone}</dt>
          <dd>{org.contactPhone ?? m.none}</dd>
          <dt>{org.kind === 'cooperative' ? m.county : m.district}</dt>
          <dd>{org.kind === 'cooperative' ? (countyList.find((x) => x.id === org.countyId)?.label ?? org.countyId ?? m.none) : districtName(org.districtId)}</dd>
          {org.kind === 'cooperative' ? (
            <>
              <dt>{m.certificationNo}</dt>
              <dd>{org.certificationNo ?? m.none}</dd>
            </>
          ) : null}
          {buyer ? (
            <>
              <dt>{m.invoiceTitle}</dt>
              <dd>{org.invoiceTitle ?? m.none}</dd>
              <dt>{m.taxId}</dt>
              <dd>{org.taxId ?? m.none}</dd>
              <dt>{m.annualTarget}</dt>
              <dd>{formatFen(org.annualTargetFen)}</dd>
              <dt>{m.paymentTerms}</dt>
              <dd>
                {view.capabilities.invoiceTerms
                  ? `${m.invoiceTermsYes}: ${org.paymentTermsDays} ${m.days}, ${m.creditLimit} ${formatFen(org.creditLimitFen)}`
                  : m.invoiceTermsNo}
              </dd>
            </>
          ) : null}
          {org.kind === 'showroom' ? (
            <>
              <dt>{m.pickupAddress}</dt>
              <dd>{org.pickupAddress ?? m.none}</dd>
            </>
          ) : null}
        </dl>
        {canManage ? (
          <details>
            <summary>{m.editProfile}</summary>
            <form method="post" action={`${base}/profile`} class="stack">
              <Field id="p-nameEn" label={m.orgNameEn}>
                <input id="p-nameEn" name="nameEn" maxlength={200} value={org.nameEn ?? ''} />
              </Field>
              <Field id="p-contactPhone" label={m.contactPhone}>
                <input id="p-contactPhone" name="contactPhone" type="tel" value={org.contactPhone ?? ''} />
              </Field>
              {buyer ? (
                <>
                  <Field id="p-districtId" label={m.district}>
                    <Select id="p-districtId" name="districtId" options={districtList} value={org.districtId} placeholder={m.choose} />
                  </Field>
                  <Field id="p-invoiceTitle" label={m.invoiceTitle}>
                    <input id="p-invoiceTitle" name="invoiceTitle" maxlength={200} value={org.invoiceTitle ?? ''} />
                  </Field>
                  <Field id="p-taxId" label={m.taxId}>
                    <input id="p-taxId" name="taxId" maxlength={20} value={org.taxId ?? ''} />
                  </Field>
                  <Field id="p-annualTargetYuan" label={m.annualTarget}>
                    <input id="p-annualTargetYuan" name="annualTargetYuan" inputmode="decimal" value={fenToYuanText(org.annualTargetFen)} />
                  </Field>
                  <Field id="p-pickupAddress" label={m.pickupAddress}>
                    <input id="p-pickupAddress" name="pickupAddress" maxlength={300} value={org.pickupAddress ?? ''} />
                  </Field>
                </>
              ) : (
                <>
                  <Field id="p-storyZh" label={m.storyZh}>
                    <textarea id="p-storyZh" name="storyZh" rows={4}>
                      {org.storyZh ?? ''}
                    </textarea>
                  </Field>
                  <Field id="p-storyEn" label={m.storyEn}>
                    <textarea id="p-storyEn" name="storyEn" rows={4}>
                      {org.storyEn ?? ''}
                    </textarea>
                  </Field>
                </>
              )}
              <button type="submit">{m.save}</button>
            </form>
          </details>
        ) : null}
      </section>

      <section class="card stack" id="members">
        <h2>{m.members}</h2>
        <ul class="stack" style="list-style:none;padding:0;margin:0">
          {memberPage.items.map((mem) => (
            <li class="card stack">
              <p style="margin:0">
                <strong>{mem.name}</strong> <span class="badge">{roleLabel(locale, mem.role)}</span>
                {buyer && mem.role === 'purchaser' ? (
                  <span class="muted">
                    {' '}
                    · {m.perOrderLimit}: {mem.perOrderLimitFen === null ? m.noLimit : formatFen(mem.perOrderLimitFen)}
                  </span>
                ) : null}
              </p>
              <p class="muted" style="margin:0">
                {mem.email} · {m.joined} {mem.joinedAt.slice(0, 10)}
              </p>
              {canManage ? (
                <div class="row">
                  <form method="post" action={`${base}/members/${mem.id}`} class="inline">
                    <div>
                      <label for={`role-${mem.id}`}>{m.role}</label>
                      <select id={`role-${mem.id}`} name="role">
                        {roles.map((r) => (
                          <option value={r} selected={r === mem.role}>
                            {roleLabel(locale, r)}
                          </option>
                        ))}
                      </select>
                    </div>
                    {buyer ? (
                      <div>
                        <label for={`limit-${mem.id}`}>{m.perOrderLimit}</label>
                        <input id={`limit-${mem.id}`} name="perOrderLimitYuan" inputmode="decimal" size={10} placeholder={m.noLimit} value={fenToYuanText(mem.perOrderLimitFen)} />
                      </div>
                    ) : null}
                    <button type="submit" class="secondary">
                      {m.change}
                    </button>
                  </form>
                  <form method="post" action={`${base}/members/${mem.id}/remove`}>
                    <button type="submit" class="danger">
                      {mem.userId === actor.userId ? m.leave : m.remove}
                    </button>
                  </form>
                </div>
              ) : mem.userId === actor.userId ? (
                <form method="post" action={`${base}/members/${mem.id}/remove`}>
                  <button type="submit" class="secondary">
                    {m.leave}
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {invitationPage ? (
        <section class="card stack" id="invitations">
          <h2>{m.invitations}</h2>
          <p class="muted">{m.inviteHint}</p>
          <form method="post" action={`${base}/invitations`} class="inline">
            <Field id="inv-email" label={m.email}>
              <input id="inv-email" name="email" type="email" required />
            </Field>
            <Field id="inv-role" label={m.role}>
              <select id="inv-role" name="role">
                {roles.map((r) => (
                  <option value={r} selected={r === (buyer ? 'purchaser' : 'staff')}>
                    {roleLabel(locale, r)}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit">{m.invite}</button>
          </form>
          {invitationPage.items.length === 0 ? <p class="muted">{m.noInvitations}</p> : null}
          <ul class="stack" style="list-style:none;padding:0;margin:0">
            {invitationPage.items.map((inv) => (
              <li class="card stack">
                <p style="margin:0">
                  <strong>{inv.email}</strong> <span class="badge">{roleLabel(locale, inv.role)}</span>{' '}
                  <span class={`badge${inv.status === 'pending' && !inv.expired ? ' warn' : ''}`}>{inv.expired ? m.expired : invitationStatusLabel(m, inv.status)}</span>
                </p>
                <p class="muted" style="margin:0">
                  {m.expires} {inv.expiresAt.slice(0, 10)}
                </p>
                {inv.status === 'pending' ? (
                  <div class="row">
                    {inv.expired ? null : (
                      <>
                        <input readonly value={inv.link} aria-label={`${m.link}: ${inv.email}`} style="flex:1 1 220px;min-width:0" />
                        <button type="button" class="secondary" data-copy hidden>
                          {m.copy}
                        </button>
                      </>
                    )}
                    <form method="post" action={`${base}/invitations/${inv.id}/cancel`}>
                      <button type="submit" class="secondary">
                        {m.withdraw}
                      </button>
                    </form>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {locationPage ? (
        <section class="card stack" id="delivery-locations">
          <h2>{m.deliveryLocations}</h2>
          {locationPage.items.length === 0 ? <p class="muted">{m.noLocations}</p> : null}
          {locationPage.items.map((loc) => (
            <div class="card stack">
              <p style="margin:0">
                <strong>{loc.label}</strong> {loc.isDefault ? <span class="badge">{m.isDefault}</span> : null}
              </p>
              <p class="muted" style="margin:0">
                {districtName(loc.districtId)} · {loc.street} · {loc.recipient} {loc.phone}
                {loc.receivingHours ? ` · ${loc.receivingHours}` : ''}
              </p>
              <div class="row">
                {loc.isDefault ? null : (
                  <form method="post" action={`${base}/delivery-locations/${loc.id}`}>
                    <input type="hidden" name="isDefault" value="on" />
                    <button type="submit" class="secondary">
                      {m.makeDefault}
                    </button>
                  </form>
                )}
                <form method="post" action={`${base}/delivery-locations/${loc.id}/delete`}>
                  <button type="submit" class="danger">
                    {m.delete}
                  </button>
                </form>
              </div>
              <details>
                <summary>{m.change}</summary>
                <LocationForm m={m} action={`${base}/delivery-locations/${loc.id}`} idPrefix={loc.id} districts={districtList} values={loc} />
              </details>
            </div>
          ))}
          <details open={locationPage.items.length === 0}>
            <summary>{m.addLocation}</summary>
            <LocationForm m={m} action={`${base}/delivery-locations`} idPrefix="new-loc" districts={districtList} />
          </details>
        </section>
      ) : null}
    </div>,
    state.error ? pageStatus(state.error) : 200,
  );
}

function LocationForm({
  m,
  action,
  idPrefix,
  districts: districtList,
  values,
}: {
  m: Messages;
  action: string;
  idPrefix: string;
  districts: Option[];
  values?: { label: string; recipient: string; phone: string; districtId: string; street: string; receivingHours: string | null; isDefault: boolean };
}) {
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <form method="post" action={action} class="stack">
      <Field id={id('label')} label={m.label}>
        <input id={id('label')} name="label" required maxlength={100} value={values?.label ?? ''} />
      </Field>
      <Field id={id('recipient')} label={m.recipient}>
        <input id={id('recipient')} name="recipient" required maxlength={100} value={values?.recipient ?? ''} />
      </Field>
      <Field id={id('phone')} label={m.phone}>
        <input id={id('phone')} name="phone" type="tel" required value={values?.phone ?? ''} />
      </Field>
      <Field id={id('districtId')} label={m.district}>
        <Select id={id('districtId')} name="districtId" options={districtList} value={values?.districtId} placeholder={m.choose} required />
      </Field>
      <Field id={id('street')} label={m.street}>
        <input id={id('street')} name="street" required maxlength={300} value={values?.street ?? ''} />
      </Field>
      <Field id={id('receivingHours')} label={m.receivingHours}>
        <input id={id('receivingHours')} name="receivingHours" maxlength={200} value={values?.receivingHours ?? ''} />
      </Field>
      <label>
        <input type="checkbox" name="isDefault" checked={values?.isDefault ?? false} /> {m.isDefault}
      </label>
      <button type="submit">{m.save}</button>
    </form>
  );
}

/**
 * Runs a form action for /organizations/:id: success redirects back (303, so a reload does not post
 * again); a refused action re-renders the page with the reason and the right status.
 */
async function organizationAction(c: Context<AppEnv>, anchor: string, action: (id: string) => Promise<unknown>) {
  const id = c.req.param('id')!;
  try {
    await action(id);
  } catch (error) {
    if (error instanceof AppError && error.code !== 'unauthenticated') return renderOrganization(c, id, { error });
    throw error;
  }
  return c.redirect(`/organizations/${id}?saved=1#${anchor}`, 303);
}

const PROFILE_FIELDS = ['nameEn', 'contactPhone', 'districtId', 'invoiceTitle', 'taxId', 'pickupAddress', 'storyZh', 'storyEn'];
const BUYER_FIELDS = ['districtId', 'invoiceTitle', 'taxId', 'pickupAddress'];
const COOPERATIVE_FIELDS = ['countyId', 'certificationNo', 'storyZh', 'storyEn'];
const LOCATION_FIELDS = ['label', 'recipient', 'phone', 'districtId', 'street', 'receivingHours'];

export const organizationPages = new Hono<AppEnv>();
organizationPages.onError(pageErrorHandler);

organizationPages.get('/organizations/new', (c) => {
  requireActor(c);
  return renderNewOrganization(c);
});

organizationPages.post('/organizations/new', async (c) => {
  const actor = requireActor(c);
  const fields = await formFields(c);
  try {
    // One form serves every kind: take the cooperative's fields or the buyer's, by the kind chosen.
    const coop = fields.kind === 'cooperative';
    const only = ['kind', 'name', 'nameEn', 'contactPhone', ...(coop ? COOPERATIVE_FIELDS : BUYER_FIELDS)];
    const input = parseWith(createOrganizationSchema, formInput(fields, { blank: undefined, yuan: coop ? [] : ['annualTargetYuan'], only }));
    const org = await organizations.createOrganization(c.var.db, actor, input);
    return c.redirect(`/organizations/${org.id}`, 303);
  } catch (error) {
    if (error instanceof AppError) return renderNewOrganization(c, fields, error);
    throw error;
  }
});

organizationPages.get('/organizations/:id', (c) => renderOrganization(c, c.req.param('id'), { saved: c.req.query('saved') === '1' }));

organizationPages.post('/organizations/:id/profile', (c) =>
  organizationAction(c, 'profile', async (id) => {
    requireOrgOwner(c, id);
    const input = formInput(await formFields(c), { blank: null, yuan: ['annualTargetYuan'], only: PROFILE_FIELDS });
    if (input.annualTargetFen === null) input.annualTargetFen = 0;
    await organizations.updateOrganizationProfile(c.var.db, requireActor(c), id, parseWith(updateOrganizationSchema, input));
  }),
);

organizationPages.post('/organizations/:id/members/:memberId', (c) =>
  organizationAction(c, 'members', async (id) => {
    requireOrgOwner(c, id);
    const fields = await formFields(c);
    const input = formInput(fields, { blank: null, yuan: ['perOrderLimitYuan'], only: ['role'] });
    // A limit only means something for purchasers; the shared row form sends the box for every role.
    if (input.role !== 'purchaser' && input.perOrderLimitFen === null) delete input.perOrderLimitFen;
    await members.updateMember(c.var.db, requireActor(c), id, c.req.param('memberId'), parseWith(updateMemberSchema, input));
  }),
);

organizationPages.post('/organizations/:id/members/:memberId/remove', async (c) => {
  const id = c.req.param('id');
  const actor = requireActor(c);
  let leftOrganization = false;
  const response = await organizationAction(c, 'members', async () => {
    requireOrgMember(c, id);
    const target = await members.getMember(c.var.db, id, c.req.param('memberId'));
    requireMemberRemoval(c, id, target.userId);
    await members.removeMember(c.var.db, actor, id, target.id);
    leftOrganization = target.userId === actor.userId;
  });
  // Someone who just left can no longer see the organisation.
  return leftOrganization && !actor.isAdmin ? c.redirect('/account', 303) : response;
});

organizationPages.post('/organizations/:id/invitations', (c) =>
  organizationAction(c, 'invitations', async (id) => {
    requireOrgOwner(c, id);
    const input = parseWith(createInvitationSchema, formInput(await formFields(c), { blank: undefined, only: ['email', 'role'] }));
    await invitations.createInvitation(c.var.db, requireActor(c), c.env.APP_URL, id, input);
  }),
);

organizationPages.post('/organizations/:id/invitations/:invitationId/cancel', (c) =>
  organizationAction(c, 'invitations', async (id) => {
    requireOrgOwner(c, id);
    await invitations.cancelInvitation(c.var.db, requireActor(c), id, c.req.param('invitationId'));
  }),
);

organizationPages.post('/organizations/:id/delivery-locations', (c) =>
  organizationAction(c, 'delivery-locations', async (id) => {
    requireBuyerPurchaser(c, id);
    const input = formInput(await formFields(c), { blank: undefined, only: LOCATION_FIELDS, checkboxes: ['isDefault'] });
    await deliveryLocations.createLocation(c.var.db, id, parseWith(createLocationSchema, input));
  }),
);

organizationPages.post('/organizations/:id/delivery-locations/:locationId', (c) =>
  organizationAction(c, 'delivery-locations', async (id) => {
    requireBuyerPurchaser(c, id);
    const fields = await formFields(c);
    // "Make default" posts only the flag; the edit form posts every field.
    const input = formInput(fields, { blank: null, only: LOCATION_FIELDS, checkboxes: ['isDefault'] });
    if (input.isDefault === false) delete input.isDefault;
    await deliveryLocations.updateLocation(c.var.db, id, c.req.param('locationId'), parseWith(updateLocationSchema, input));
  }),
);

organizationPages.post('/organizations/:id/delivery-locations/:locationId/delete', (c) =>
  organizationAction(c, 'delivery-locations', async (id) => {
    requireBuyerPurchaser(c, id);
    await deliveryLocations.deleteLocation(c.var.db, id, c.req.param('locationId'));
  }),
);
