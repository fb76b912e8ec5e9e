import type { Membership } from '../env';
import type { Locale } from '../lib/i18n';
import { localized } from '../lib/i18n';
import type { LocationView } from '../accounts';
import { Money } from './pages.support';
import { ruleText, weekdayName, type StandingStrings } from './standing-orders.i18n';
import type { OccurrenceView, StandingOrderView } from './standing-orders.schemas';

/** Components of the standing-order pages: the summary line, the upcoming days, the days handled, the form. */

const STATUS_TONE: Record<string, string> = { active: 'badge', paused: 'badge warn', ended: 'badge bad', placed: 'badge', awaiting_approval: 'badge warn', failed: 'badge bad', skipped: 'badge warn', dismissed: 'badge' };

export function scheduleText(m: StandingStrings, locale: Locale, s: StandingOrderView['schedule']): string {
  return s.cadence === 'weekly'
    ? m.everyWeek.replace('{days}', (s.weekdays ?? []).map((d) => weekdayName(locale, d)).join(locale === 'zh' ? '、' : ', '))
    : m.everyMonth.replace('{day}', String(s.monthDay));
}

/** The site's buttons are about 43 px tall; these are the page's main taps, so they get the full 44 px. */
const TAP = 'min-height:44px';

/** A POST button carrying the organisation (and a day): every action works without JavaScript. */
function ActionButton({ org, action, label, day, danger }: { org: Membership; action: string; label: string; day?: string; danger?: boolean }) {
  return (
    <form method="post" action={action}>
      <input type="hidden" name="org" value={org.organizationId} />
      {day ? <input type="hidden" name="date" value={day} /> : null}
      <button type="submit" class={danger ? 'danger' : 'secondary'} style={TAP}>
        {label}
      </button>
    </form>
  );
}

export function StandingSummary({ m, locale, s, href }: { m: StandingStrings; locale: Locale; s: StandingOrderView; href?: string }) {
  return (
    <>
      <h2 style="margin:0;font-size:1.05rem">
        {href ? <a href={href}>{s.title}</a> : s.title} <span class={STATUS_TONE[s.status]}>{m[s.status]}</span>
      </h2>
      <p class="muted" style="margin:0">
        {scheduleText(m, locale, s.schedule)} · {s.startDate}
        {s.endDate ? ` – ${s.endDate}` : ''} · {m[s.paymentMethod]}
      </p>
      <ul>
        {s.lines.map((l) => (
          <li>
            {localized(l, 'name', locale)} ({l.sku}) × {l.quantity} · <Money fen={l.referenceUnitPriceFen} />
          </li>
        ))}
      </ul>
    </>
  );
}

export function UpcomingDays({ m, locale, s, org, base }: { m: StandingStrings; locale: Locale; s: StandingOrderView; org: Membership; base: string }) {
  const canAct = org.role === 'owner' || org.role === 'purchaser';
  if (s.upcoming.length === 0) return <p class="muted">{m.noUpcoming}</p>;
  return (
    <ul class="stack" aria-label={m.upcoming}>
      {s.upcoming.map((u) => (
        <li class="row" data-date={u.date}>
          <span>
            {u.date} {weekdayName(locale, new Date(`${u.date}T00:00:00Z`).getUTCDay() || 7)}
          </span>
          {u.skipped ? <span class="badge warn">{m.skippedBadge}</span> : null}
          {canAct ? <ActionButton org={org} action={`${base}/${u.skipped ? 'unskip' : 'skip'}`} label={u.skipped ? m.unskip : m.skip} day={u.date} /> : null}
        </li>
      ))}
    </ul>
  );
}

function OccurrenceActions({ m, o, org, base }: { m: StandingStrings; o: OccurrenceView; org: Membership; base: string }) {
  if (o.status !== 'failed' || (org.role !== 'owner' && org.role !== 'purchaser')) return null;
  return (
    <div class="row">
      <ActionButton org={org} action={`${base}/retry`} label={m.retry} day={o.date} />
      {o.failureRule === 'price_tolerance' ? <ActionButton org={org} action={`${base}/accept`} label={m.acceptPrice} day={o.date} /> : null}
      <ActionButton org={org} action={`${base}/dismiss`} label={m.dismiss} day={o.date} danger />
    </div>
  );
}

export function HandledDays({ m, s, org, base }: { m: StandingStrings; s: StandingOrderView; org: Membership; base: string }) {
  if (s.occurrences.length === 0) return null;
  return (
    <>
    <h2>{m.history}</h2>
    <ul class="stack" aria-label={m.history}>
      {s.occurrences.map((o) => (
        <li class="card stack" data-date={o.date} data-status={o.status}>
          <p style="margin:0">
            {o.date} <span class={STATUS_TONE[o.status]}>{m[o.status]}</span>
            {o.orderId ? (
              <>
                {' '}
                <a href={`/orders/${o.orderId}`}>{m.viewOrder}</a>
              </>
            ) : null}
            {o.approvalId ? (
              <>
                {' '}
                <a href={`/procurement/approvals?org=${encodeURIComponent(org.organizationId)}#${o.approvalId}`}>{m.viewApproval}</a>
              </>
            ) : null}
          </p>
          {o.status === 'failed' ? (
            <p class="error" role="alert" style="margin:0">
              {ruleText(m, o.failureRule, o.failureDetail ?? '')} {o.failureRule === 'price_tolerance' && o.failureDetail ? <span class="muted">{o.failureDetail}</span> : null}
            </p>
          ) : null}
          <OccurrenceActions m={m} o={o} org={org} base={base} />
        </li>
      ))}
    </ul>
    </>
  );
}

export function StatusActions({ m, s, org, base }: { m: StandingStrings; s: StandingOrderView; org: Membership; base: string }) {
  if (org.role !== 'owner' && org.role !== 'purchaser') return null;
  return (
    <div class="row">
      {s.status === 'active' ? <ActionButton org={org} action={`${base}/pause`} label={m.pause} /> : null}
      {s.status === 'paused' ? <ActionButton org={org} action={`${base}/resume`} label={m.resume} /> : null}
      {s.status !== 'ended' ? <ActionButton org={org} action={`${base}/end`} label={m.end} danger /> : null}
    </div>
  );
}

export const FORM_LINES = 5;

export type FormValues = Record<string, string | string[]>;

function value(values: FormValues, name: string, fallback = ''): string {
  const v = values[name];
  return typeof v === 'string' ? v : fallback;
}

function LineInputs({ m, values }: { m: StandingStrings; values: FormValues }) {
  return (
    <fieldset class="stack">
      <legend>{m.lines}</legend>
      {Array.from({ length: FORM_LINES }, (_, i) => (
        <div class="row">
          <div>
            <label for={`sku${i}`}>{m.sku}</label>
            <input id={`sku${i}`} name={`sku${i}`} value={value(values, `sku${i}`)} required={i === 0} maxlength={64} />
          </div>
          <div>
            <label for={`qty${i}`}>{m.quantity}</label>
            <input id={`qty${i}`} name={`qty${i}`} type="number" inputmode="numeric" min={1} value={value(values, `qty${i}`)} required={i === 0} />
          </div>
        </div>
      ))}
    </fieldset>
  );
}

function ScheduleInputs({ m, locale, values }: { m: StandingStrings; locale: Locale; values: FormValues }) {
  const cadence = value(values, 'cadence', 'weekly');
  const chosen = new Set([values.weekday ?? []].flat());
  return (
    <fieldset class="stack">
      <legend>{m.schedule}</legend>
      <div class="row">
        <label>
          <input type="radio" name="cadence" value="weekly" checked={cadence === 'weekly'} /> {m.weekly}
        </label>
        <label>
          <input type="radio" name="cadence" value="monthly" checked={cadence === 'monthly'} /> {m.monthly}
        </label>
      </div>
      <div class="row" role="group" aria-label={m.weekdays}>
        {[1, 2, 3, 4, 5, 6, 7].map((d) => (
          <label style="min-height:44px;display:inline-flex;align-items:center;gap:4px">
            <input type="checkbox" name="weekday" value={String(d)} checked={chosen.has(String(d))} /> {weekdayName(locale, d)}
          </label>
        ))}
      </div>
      <div>
        <label for="monthDay">{m.monthDay}</label>
        <input id="monthDay" name="monthDay" type="number" min={1} max={31} value={value(values, 'monthDay')} />
      </div>
    </fieldset>
  );
}

export function StandingForm(props: { m: StandingStrings; locale: Locale; org: Membership; values: FormValues; locations: LocationView[]; errors: string[]; today: string }) {
  const { m, locale, org, values } = props;
  return (
    <form method="post" action="/procurement/standing-orders" class="stack">
      <input type="hidden" name="org" value={org.organizationId} />
      {props.errors.length ? (
        <ul class="error" role="alert">
          {props.errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      ) : null}
      <div>
        <label for="title">{m.title}</label>
        <input id="title" name="title" required maxlength={100} value={value(values, 'title')} />
      </div>
      <LineInputs m={m} values={values} />
      <ScheduleInputs m={m} locale={locale} values={values} />
      <div class="row">
        <div>
          <label for="startDate">{m.startDate}</label>
          <input id="startDate" name="startDate" type="date" required min={props.today} value={value(values, 'startDate', props.today)} />
        </div>
        <div>
          <label for="endDate">{m.endDate}</label>
          <input id="endDate" name="endDate" type="date" value={value(values, 'endDate')} />
        </div>
      </div>
      <div>
        <label for="deliveryLocationId">{m.delivery}</label>
        <select id="deliveryLocationId" name="deliveryLocationId" required>
          {props.locations.map((l) => (
            <option value={l.id} selected={value(values, 'deliveryLocationId') === l.id}>
              {l.label}
            </option>
          ))}
        </select>
        {props.locations.length === 0 ? <p class="notice">{m.needsLocation}</p> : null}
      </div>
      <div class="row">
        <div>
          <label for="paymentMethod">{m.paymentMethod}</label>
          <select id="paymentMethod" name="paymentMethod">
            {(['invoice', 'stripe'] as const).map((p) => (
              <option value={p} selected={value(values, 'paymentMethod', 'invoice') === p}>
                {m[p]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="tolerance">{m.tolerance}</label>
          <input id="tolerance" name="tolerance" type="number" min={0} max={100} value={value(values, 'tolerance', '5')} />
        </div>
      </div>
      <div class="row">
        <div>
          <label for="contactName">{m.contactName}</label>
          <input id="contactName" name="contactName" required maxlength={100} value={value(values, 'contactName')} />
        </div>
        <div>
          <label for="contactPhone">{m.contactPhone}</label>
          <input id="contactPhone" name="contactPhone" type="tel" required maxlength={32} value={value(values, 'contactPhone')} />
        </div>
      </div>
      <button type="submit" style={TAP}>
        {m.save}
      </button>
    </form>
  );
}
