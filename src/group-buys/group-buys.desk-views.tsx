import type { FieldError } from '../lib/errors';
import { assetUrl } from '../views/assets';
import type { Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import type { DeskTally } from './group-buys.desk';
import { maskName } from './group-buys.desk';
import { fill, type GbText } from './group-buys.i18n';
import { maskPhone } from './group-buys.participants';
import type { Participation } from './group-buys.queries';
import { itemName } from './group-buys.views';

/** The pickup desk's pieces: tally, code field with scan, phone-tail pick list, ✓ / ✗ result card. */

/** Each desk refusal in the page's language, by the rule the service names. */
export function deskRefusal(errors: FieldError[] | undefined, fallback: string, m: GbText): string {
  const words: Record<string, string> = {
    pickup_code_unknown: m.ruleCodeUnknown,
    group_not_formed_yet: m.ruleNotFormedYet,
    group_failed: m.ruleGroupFailed,
    already_handed_over: m.ruleAlreadyHandedOver,
    participation_withdrawn: m.ruleWithdrawn,
    phone_tail_shape: m.rulePhoneTailShape,
  };
  const rule = errors?.find((e) => e.rule)?.rule;
  return (rule && words[rule]) || fallback;
}

export function DeskTallyBar({ tally, m }: { tally: DeskTally; m: GbText }) {
  return (
    <p class="gb-tally" data-testid="desk-tally" aria-live="polite">
      <span>
        {m.tallyHandedOver} <strong data-tally="handedOver">{tally.handedOver}</strong>
      </span>
      <span>
        {m.tallyWaiting} <strong data-tally="waiting">{tally.waiting}</strong>
      </span>
      <span>
        {m.tallyPartial} <strong data-tally="partial">{tally.partial}</strong>
      </span>
    </p>
  );
}

/** Autofocused: a USB / Bluetooth scanner types the code and Enter. The scan button appears with the script. */
export function DeskCodeForm({ groupBuyId, code, m }: { groupBuyId: string; code: string; m: GbText }) {
  return (
    <form method="get" action={`/group-buys/${groupBuyId}/desk`} class="gb-desk-form" data-desk-scan data-jsqr={assetUrl('vendor/jsqr.js')}>
      <label for="desk-code">{m.pickupCode}</label>
      <div class="gb-desk-row">
        <input
          id="desk-code"
          name="code"
          autocomplete="off"
          autocapitalize="characters"
          autofocus
          required
          value={code}
          aria-describedby="desk-intro"
          data-testid="desk-code"
        />
        <button type="submit">{m.lookUp}</button>
      </div>
      <div class="gb-desk-scan" hidden data-scan-box>
        <label class="button secondary" for="desk-scan-file">
          {/* A drawn camera, not the emoji: many Android and desktop fonts have no colour emoji. */}
          <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z" />
            <circle cx="12" cy="13.5" r="3.5" />
          </svg>
          {m.scan}
        </label>
        <input id="desk-scan-file" type="file" accept="image/*" capture="environment" class="visually-hidden" data-scan-input data-scan-failed={m.scanFailed} />
      </div>
      <p id="desk-intro" class="muted">
        {m.deskIntro}
      </p>
    </form>
  );
}

export function PhoneTailForm({ groupBuyId, tail, m }: { groupBuyId: string; tail: string; m: GbText }) {
  return (
    <form method="get" action={`/group-buys/${groupBuyId}/desk`} class="gb-desk-form">
      <label for="desk-tail">{m.phoneTail}</label>
      <div class="gb-desk-row">
        <input id="desk-tail" name="tail" inputmode="numeric" pattern="[0-9]{4}" maxlength={4} autocomplete="off" value={tail} data-testid="desk-tail" />
        <button type="submit" class="secondary">
          {m.findByPhone}
        </button>
      </div>
    </form>
  );
}

export function PhonePickList(props: { groupBuyId: string; tail: string; matches: Participation[]; m: GbText; locale: Locale }) {
  const { m } = props;
  if (props.matches.length === 0) return <p class="notice">{fill(m.noPhoneMatch, { tail: props.tail })}</p>;
  return (
    <section class="stack" aria-label={m.pickOne}>
      <p>{m.pickOne}</p>
      <ul class="gb-picklist" role="list">
        {props.matches.map((p) => (
          <li>
            <a href={`/group-buys/${props.groupBuyId}/desk?code=${p.pickupCode}`} data-testid="desk-pick">
              <strong>{maskName(p.name)}</strong> · {maskPhone(p.phone)} · {p.lines.map((l) => `${itemName(l, props.locale)}×${l.quantity}`).join('，')}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeskRefusalCard({ message }: { message: string }) {
  return (
    <div class="gb-result bad" role="alert" data-testid="desk-result">
      <span class="gb-mark" aria-hidden="true">
        ✗
      </span>
      <p>{message}</p>
    </div>
  );
}

type CardProps = { groupBuyId: string; p: Participation; handoverKey: string; revealedPhone: string | null; m: GbText; locale: Locale };

/** ✓ and what to hand over; one tap hands everything left over (quantities can be lowered for a partial pickup). */
export function DeskResultCard({ groupBuyId, p, handoverKey, revealedPhone, m, locale }: CardProps) {
  const collected = p.status === 'picked_up';
  const due = p.status === 'pending_payment' && p.paymentMethod === 'pay_at_pickup';
  return (
    <div class={collected ? 'gb-result bad' : 'gb-result ok'} data-testid="desk-result">
      <span class="gb-mark" aria-hidden="true">
        {collected ? '✗' : '✓'}
      </span>
      <h2>
        {p.pickupCode} · {maskName(p.name)} · {revealedPhone ? <a href={`tel:${revealedPhone}`}>{revealedPhone}</a> : maskPhone(p.phone)}
      </h2>
      {collected ? <p>{m.ruleAlreadyHandedOver}</p> : null}
      {due ? (
        <p class="gb-due">
          {m.amountDue} <strong>{formatFen(p.totalFen)}</strong>
        </p>
      ) : null}
      <form method="post" action={`/group-buys/${groupBuyId}/desk`} class="stack">
        <input type="hidden" name="code" value={p.pickupCode} />
        <input type="hidden" name="handoverKey" value={handoverKey} />
        <ul class="gb-handover" role="list">
          {p.lines.map((line) => (
            <li>
              <label for={`qty-${line.productId}`}>
                {itemName(line, locale)} · {m.ordered} {line.quantity} · {m.pickedUp} {line.pickedUpQuantity}
              </label>
              <input
                id={`qty-${line.productId}`}
                type="number"
                name={`qty_${line.productId}`}
                min={0}
                max={line.quantity - line.pickedUpQuantity}
                value={String(line.quantity - line.pickedUpQuantity)}
                disabled={collected}
              />
            </li>
          ))}
        </ul>
        {collected ? null : (
          <button type="submit" class="gb-big" data-testid="desk-hand-over">
            {m.handOver}
          </button>
        )}
      </form>
      {revealedPhone ? null : (
        <form method="post" action={`/group-buys/${groupBuyId}/desk/reveal`}>
          <input type="hidden" name="code" value={p.pickupCode} />
          <button type="submit" class="secondary" data-testid="desk-reveal">
            {m.revealPhone}
          </button>
        </form>
      )}
    </div>
  );
}
