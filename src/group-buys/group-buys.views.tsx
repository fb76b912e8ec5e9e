import type { Child } from 'hono/jsx';
import type { FieldError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { shanghaiDateTime } from '../lib/time';
import { fill, type GbText } from './group-buys.i18n';
import type { GroupBuyView } from './group-buys.service';

/** Shared pieces of the group-buy pages. */

/** 'YYYY-MM-DD HH:mm' in Beijing time, the way a deadline is printed on a poster. */
export function shanghaiTime(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return shanghaiDateTime(ms);
}

export function durationText(seconds: number, t: GbText): string {
  if (seconds <= 0) return t.closed;
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}${t.days} ${h}${t.hours}`;
  if (h > 0) return `${h}${t.hours} ${m}${t.minutes}`;
  return `${m}${t.minutes} ${seconds % 60}${t.seconds}`;
}

export function StatusBadge({ status, t }: { status: GroupBuyView['status']; t: GbText }) {
  const cls = status === 'open' ? 'badge' : status === 'succeeded' ? 'badge' : 'badge bad';
  return <span class={cls}>{t[`status_${status}`]}</span>;
}

function percent(value: number, of: number): number {
  return Math.max(0, Math.min(100, Math.round((value / of) * 100)));
}

/**
 * Progress toward the thresholds, counting committed participants (paid or paying at pickup).
 * Carries data attributes so the page's small script can refresh it from the public API.
 */
export function Progress({ view, t }: { view: GroupBuyView; t: GbText }) {
  const p = view.progress;
  const awaiting = p.participants - p.committedParticipants;
  return (
    <section class="stack gb-progress" aria-live="polite" data-gb-live={`/api/v1/group-buys/${view.id}`}>
      <div>
        <strong>{t.participants}: </strong>
        <span data-gb-field="committedParticipants">{p.committedParticipants}</span>
        {view.minParticipants ? ` / ${view.minParticipants} ${t.people}` : ` ${t.people}`}
        {awaiting > 0 ? <span class="muted"> {fill(t.awaitingPayment, { n: awaiting })}</span> : null}
      </div>
      {view.minParticipants ? (
        <div
          class="progress"
          role="progressbar"
          aria-label={t.participants}
          aria-valuemin={0}
          aria-valuemax={view.minParticipants}
          aria-valuenow={p.committedParticipants}
          data-gb-bar="committedParticipants"
          data-gb-of={view.minParticipants}
        >
          <span style={`width:${percent(p.committedParticipants, view.minParticipants)}%`} />
        </div>
      ) : null}
      <div>
        <strong>{t.quantity}: </strong>
        <span data-gb-field="committedQuantity">{p.committedQuantity}</span>
        {view.minQuantity ? ` / ${view.minQuantity} ${t.units}` : ` ${t.units}`}
      </div>
      {view.minQuantity ? (
        <div
          class="progress"
          role="progressbar"
          aria-label={t.quantity}
          aria-valuemin={0}
          aria-valuemax={view.minQuantity}
          aria-valuenow={p.committedQuantity}
          data-gb-bar="committedQuantity"
          data-gb-of={view.minQuantity}
        >
          <span style={`width:${percent(p.committedQuantity, view.minQuantity)}%`} />
        </div>
      ) : null}
      <p class="muted">
        {t.threshold}: {thresholdText(view, t)}
        {view.capacity ? ` · ${fill(t.capacity, { n: view.capacity })}` : ''}
      </p>
    </section>
  );
}

export function thresholdText(view: Pick<GroupBuyView, 'minParticipants' | 'minQuantity'>, t: GbText): string {
  const parts = [
    view.minParticipants ? fill(t.thresholdPeople, { n: view.minParticipants }) : null,
    view.minQuantity ? fill(t.thresholdQuantity, { n: view.minQuantity }) : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' + ') : t.noThreshold;
}

export function TimeLeft({ view, t }: { view: GroupBuyView; t: GbText }) {
  return (
    <dl class="facts">
      <dt>{t.closesAt}</dt>
      <dd>{shanghaiTime(view.closesAt)}</dd>
      <dt>{t.timeLeft}</dt>
      <dd>
        <span
          data-countdown={Date.parse(view.closesAt)}
          data-units={[t.days, t.hours, t.minutes, t.seconds, t.closed].join('|')}
          data-now={Date.now()}
        >
          {view.status === 'open' ? durationText(view.secondsLeft, t) : t.closed}
        </span>
      </dd>
      <dt>{t.pickupPoint}</dt>
      <dd>
        {view.pickup.name}
        {view.pickup.address ? <div class="muted">{view.pickup.address}</div> : null}
      </dd>
      <dt>{t.organizer}</dt>
      <dd>{view.organizer.name}</dd>
    </dl>
  );
}

export function itemName(item: { nameZh: string; nameEn: string }, locale: Locale): string {
  return localized(item, 'name', locale);
}

export function ItemCards({ view, t, locale, children }: { view: GroupBuyView; t: GbText; locale: Locale; children?: (item: GroupBuyView['items'][number]) => Child }) {
  return (
    <ul class="grid gb-items" role="list">
      {view.items.map((item) => (
        <li class="card">
          <h3>{itemName(item, locale)}</h3>
          <div class="muted">{localized(item, 'spec', locale)}</div>
          <div>
            <span class="price">{formatFen(item.groupPriceFen)}</span> / {localized(item, 'unit', locale)}{' '}
            {item.listPriceFen > item.groupPriceFen ? (
              <s class="muted" aria-label={t.listPrice}>
                {formatFen(item.listPriceFen)}
              </s>
            ) : null}
          </div>
          <div class="muted">
            {t.remaining}: {item.remaining}
          </div>
          {children ? children(item) : null}
        </li>
      ))}
    </ul>
  );
}

export function Errors({ errors, t }: { errors: FieldError[] | string | null; t: GbText }) {
  if (!errors || (Array.isArray(errors) && errors.length === 0)) return null;
  return (
    <div class="error" role="alert">
      {typeof errors === 'string' ? (
        errors
      ) : (
        <>
          {t.fixErrors}
          <ul>
            {errors.map((e) => (
              <li>{e.message}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export const gbCss = `
.gb-code{font:700 2.6rem/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.25em;text-align:center;padding:12px;border:2px dashed var(--brand);border-radius:10px;background:#fff}
.gb-qr svg{width:220px;height:220px;display:block;aspect-ratio:1}
.gb-share input{width:100%}
.gb-items{list-style:none;padding:0;margin:8px 0}.gb-items .card input{width:6em}
.gb-form fieldset{border:0;padding:0;margin:12px 0}.gb-form legend{font-weight:700;padding:0;margin-bottom:6px}
.gb-form fieldset>label{display:flex;gap:8px;align-items:center;color:var(--ink);font-size:1rem;margin:6px 0}
.gb-progress{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px}
.gb-form .field{margin:10px 0}.gb-form .field input,.gb-form .field select,.gb-form .field textarea{width:100%}
.gb-category{border-bottom:1px solid var(--line);padding:6px 0}.gb-category summary{cursor:pointer;font-weight:600;padding:6px 0}
.gb-product{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;align-items:center;padding:8px 0;border-bottom:1px solid var(--line)}
.gb-product .inputs{grid-column:2;display:flex;flex-wrap:wrap;gap:8px}.gb-product .inputs label{display:flex;gap:4px;align-items:center}
.gb-product .inputs input{width:7em}
.gb-poster{max-width:720px;margin:0 auto;text-align:center}.gb-poster .gb-qr svg{width:300px;height:300px;margin:0 auto}
.gb-poster h1{font-size:2rem}.gb-poster table{margin:12px auto;width:auto}
@media print{.gb-poster{max-width:none}.gb-poster h1{font-size:28pt}.gb-list table{font-size:10pt}a[href]:after{content:none}}
`;
