import type { Child } from 'hono/jsx';
import type { Locale } from '../lib/i18n';
import { localized } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { fill, type GbText } from './group-buys.i18n';
import type { GroupBuyView } from './group-buys.service';
import type { ShareImages } from './group-buys.share';
import { stillNeeded } from './group-buys.share';
import { itemName, pickupWindowText } from './group-buys.views';

/** The share page's pieces: link-card tags, hero, countdown, what is still needed, steppers. */

/** Open Graph tags, read by WeChat's link preview and by other messengers. */
export function ShareHead({ view, images, description }: { view: GroupBuyView; images: ShareImages; description: string }) {
  return (
    <>
      <meta property="og:type" content="website" />
      <meta property="og:title" content={view.title} />
      <meta property="og:description" content={description} />
      <meta property="og:url" content={view.shareUrl} />
      <meta property="og:image" content={images.ogImage} />
      <meta property="og:image:type" content={images.ogType} />
      <meta itemprop="name" content={view.title} />
      <meta itemprop="image" content={images.ogImage} />
    </>
  );
}

/** "团购价 ¥42.80 原价 ¥48.80 · 周六 10:00–12:00 自提": the line the link card and the page lead with. */
export function shareDescription(view: GroupBuyView, m: GbText, locale: Locale): string {
  const first = view.items[0];
  const price = first ? `${itemName(first, locale)} ${m.groupPrice} ${formatFen(first.groupPriceFen)}（${m.listPrice} ${formatFen(first.listPriceFen)}）` : '';
  return [price, `${m.pickupWindow}: ${pickupWindowText(view.pickupWindow, m)}`, view.pickup.name].filter(Boolean).join(' · ');
}

export function ShareHero({ view, images, m, locale }: { view: GroupBuyView; images: ShareImages; m: GbText; locale: Locale }) {
  const first = view.items[0];
  return (
    <header class="gb-hero">
      <img src={images.hero} alt={first ? itemName(first, locale) : view.title} width={600} height={450} />
      <h1>{view.title}</h1>
      {first ? (
        <p class="gb-price-line">
          <span class="price">{formatFen(first.groupPriceFen)}</span> / {localized(first, 'unit', locale)}{' '}
          {first.listPriceFen > first.groupPriceFen ? (
            <s class="muted">
              {m.listPrice} {formatFen(first.listPriceFen)}
            </s>
          ) : null}
        </p>
      ) : null}
    </header>
  );
}

/** HH:MM:SS from the server's clock (data-now), ticking with the script; complete without it. */
export function Countdown({ view, m }: { view: GroupBuyView; m: GbText }) {
  return (
    <p class="gb-countdown">
      {m.timeLeft}{' '}
      <strong
        data-countdown={Date.parse(view.closesAt)}
        data-now={Date.now()}
        data-format="clock"
        data-units={[m.days, m.hours, m.minutes, m.seconds, m.closed].join('|')}
        data-testid="countdown"
      >
        {view.status === 'open' && view.secondsLeft > 0 ? clockText(view.secondsLeft, m) : m.closed}
      </strong>
    </p>
  );
}

export function clockText(seconds: number, m: GbText): string {
  const d = Math.floor(seconds / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return d > 0 ? `${d}${m.days} ${clock}` : clock;
}

export function StillNeeded({ view, neighbours, m }: { view: GroupBuyView; neighbours: string[]; m: GbText }) {
  const need = stillNeeded(view);
  const parts = [need.people > 0 ? fill(m.needPeople, { n: need.people }) : null, need.units > 0 ? fill(m.needUnits, { n: need.units }) : null].filter(Boolean);
  return (
    <section class="gb-need" aria-live="polite">
      <p class="gb-need-big" data-testid="still-needed">
        {view.status === 'succeeded' || need.formed ? m.formedAlready : parts.length > 0 ? fill(m.stillNeeded, { what: parts.join(' / ') }) : m.beFirst}
      </p>
      {neighbours.length > 0 ? (
        <p class="gb-neighbours" aria-label={m.joinedNeighbours}>
          {neighbours.map((name) => (
            <span class="gb-avatar">{name}</span>
          ))}
        </p>
      ) : null}
    </section>
  );
}

type StepperProps = { item: GroupBuyView['items'][number]; value: string; m: GbText; locale: Locale };

/** − / + around the quantity, by the product's step, never below its MOQ (0 = not this one). */
export function Stepper({ item, value, m, locale }: StepperProps): Child {
  const name = itemName(item, locale);
  return (
    <div class="gb-stepper" data-stepper data-moq={item.minOrderQuantity} data-step={item.orderStep} data-max={item.remaining}>
      <button type="button" class="secondary" data-step-by="-1" aria-label={`${m.less} ${name}`} hidden>
        −
      </button>
      <input
        type="number"
        inputmode="numeric"
        name={`qty_${item.productId}`}
        min={0}
        max={item.remaining}
        value={value}
        aria-label={`${m.quantity} ${name}`}
        aria-describedby={`moq-${item.productId}`}
      />
      <button type="button" class="secondary" data-step-by="1" aria-label={`${m.more} ${name}`} hidden>
        +
      </button>
      <span id={`moq-${item.productId}`} class="muted">
        {item.minOrderQuantity > 1 || item.orderStep > 1 ? fill(m.moqStep, { moq: item.minOrderQuantity, step: item.orderStep }) : ''}
      </span>
    </div>
  );
}

/** The first product starts at its minimum (1 for most), the others at 0. */
export function defaultQuantity(view: GroupBuyView, index: number): string {
  const item = view.items[index]!;
  return index === 0 && item.remaining >= item.minOrderQuantity ? String(Math.max(1, item.minOrderQuantity)) : '0';
}
