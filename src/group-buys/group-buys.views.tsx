import type { Child } from 'hono/jsx';
import type { FieldError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { SHANGHAI_OFFSET_MS, shanghaiDateTime } from '../lib/time';
import { fill, type GbText } from './group-buys.i18n';
import type { GroupBuyView } from './group-buys.service';

/** Shared pieces of the group-buy pages. */

/** 'YYYY-MM-DD HH:mm' in Beijing time, the way a deadline is printed on a poster. */
export function shanghaiTime(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return shanghaiDateTime(ms);
}

/** '2026-12-05 周六 10:00–12:00' in Beijing time; a window over several days prints both ends in full. */
export function pickupWindowText(window: { startsAt: string; endsAt: string } | null, t: GbText): string {
  if (!window) return t.pickupWindowUnset;
  const start = shanghaiTime(window.startsAt);
  const end = shanghaiTime(window.endsAt);
  const weekday = t.weekdays.split('|')[new Date(Date.parse(window.startsAt) + SHANGHAI_OFFSET_MS).getUTCDay()];
  if (start.slice(0, 10) === end.slice(0, 10)) return `${start.slice(0, 10)} ${weekday} ${start.slice(11)}–${end.slice(11)}`;
  return `${start.slice(0, 10)} ${weekday} ${start.slice(11)} – ${end}`;
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
      <dt>{t.pickupWindow}</dt>
      <dd data-testid="pickup-window">{pickupWindowText(view.pickupWindow, t)}</dd>
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
.gb-hero img{width:100%;height:auto;aspect-ratio:4/3;object-fit:cover;border-radius:12px;display:block}.gb-hero h1{margin:10px 0 4px}
.gb-price-line .price{font-size:1.8rem;font-weight:700;color:#b42318}
.gb-countdown{font-size:1.1rem;margin:0}.gb-countdown strong{font:700 1.8rem/1.2 ui-monospace,SFMono-Regular,Menlo,monospace}
.gb-need-big{font-size:1.7rem;font-weight:700;margin:4px 0;color:#b42318}
.gb-neighbours{display:flex;flex-wrap:wrap;gap:6px;margin:0}.gb-avatar{background:#f2f4f7;border:1px solid var(--line);border-radius:999px;padding:4px 10px}
.gb-stepper{display:flex;align-items:center;gap:6px;flex-wrap:wrap}.gb-stepper button{min-width:44px;min-height:44px;font-size:1.3rem;padding:0}.gb-stepper input{width:4.5em;min-height:44px;text-align:center;font-size:1.1rem}
.gb-sticky{position:sticky;bottom:0;background:#fff;padding:8px 0;margin:0 -4px;z-index:2;box-shadow:0 -6px 12px -8px rgba(0,0,0,.25)}
.gb-invite{border:2px solid var(--brand);border-radius:12px;padding:12px}.gb-invite a.button{min-height:48px;display:inline-flex;align-items:center;justify-content:center;min-width:44%}
.gb-tally{display:flex;gap:16px;font-size:1.1rem;margin:0}.gb-tally strong{font-size:1.6rem}
.gb-desk-row{display:flex;gap:8px;align-items:stretch}.gb-desk-row input{flex:1;min-width:0;font-size:1.4rem;min-height:48px}.gb-desk-row button{flex:none;white-space:nowrap}.gb-desk-scan svg{width:20px;height:20px;vertical-align:-4px;margin-right:6px}.gb-desk button,.gb-desk .button{min-height:48px;min-width:48px}
.gb-result{border-radius:12px;padding:12px 16px;border:3px solid}.gb-result.ok{border-color:#1a7f37;background:#effaf1}.gb-result.bad{border-color:#b42318;background:#fdf0ef}
.gb-mark{font-size:2.4rem;font-weight:700;line-height:1}.gb-result.ok .gb-mark{color:#1a7f37}.gb-result.bad .gb-mark{color:#b42318}
.gb-big{width:100%;min-height:56px;font-size:1.3rem}.gb-due strong{font-size:1.5rem}
.gb-handover{list-style:none;padding:0}.gb-handover li{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:6px 0}.gb-handover input{width:5em;min-height:44px}
.gb-picklist{list-style:none;padding:0}.gb-picklist a{display:block;padding:12px;min-height:44px;border:1px solid var(--line);border-radius:8px;margin:6px 0;background:#fff}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.gb-code{font:700 2.6rem/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.25em;text-align:center;padding:12px;border:2px dashed var(--brand);border-radius:10px;background:#fff}
.gb-qr svg{width:220px;height:220px;display:block;aspect-ratio:1}.gb-code-small{font-size:1.4rem;letter-spacing:.12em}.gb-my-joins{list-style:none;padding:0;margin:0}
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
