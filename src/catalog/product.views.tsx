/** The product page's parts: swipeable gallery, price and tiers, the sticky buy bar, provenance. */
import type { Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import type { ProductDetail } from './catalog.service';
import type { Messages } from './catalog.i18n';
import { illustrationUrl } from './illustrations';
import { countyOrigin, name, pairingLabel, stockLabel, TierTable } from './catalog.views';

/** Photos side by side in a scroll-snap strip: a swipe on a phone, no script needed. */
export function Gallery({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const title = name(product, locale);
  const pictures = product.images.length > 0 ? product.images.map((image) => image.url) : [illustrationUrl(product.category)];
  return (
    <div class="pictures" role="group" aria-label={m.photos}>
      <ul class="gallery">
        {pictures.map((url, index) => (
          <li>
            <img
              src={url}
              alt={product.hasPhoto ? `${title} · ${m.pictureOf.replace('{n}', String(index + 1)).replace('{total}', String(pictures.length))}` : `${title} (${m.illustration})`}
              width={600}
              height={600}
              loading={index === 0 ? 'eager' : 'lazy'}
              fetchpriority={index === 0 ? 'high' : undefined}
            />
          </li>
        ))}
      </ul>
      {pictures.length > 1 ? <p class="gallery-count muted">{m.pictureOf.replace('{n}', '1').replace('{total}', String(pictures.length))} ›</p> : null}
    </div>
  );
}

/**
 * One form, two buttons: 加入购物车 posts to the cart; 立即购买 opens checkout for this item alone (GET
 * /checkout?productId=&quantity=), prefilled, so a returning buyer orders in two more taps. Fixed above the
 * tab bar on a phone, so the main action is always on screen.
 */
export function BuyBar({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const soldOut = product.stock < product.minOrderQuantity;
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  const hint = m.quantityHint.replace('{moq}', String(product.minOrderQuantity)).replace('{step}', String(product.orderStep));
  return (
    <form method="post" action="/cart/items" class="buybar" aria-label={m.addToCart}>
      <input type="hidden" name="productId" value={product.id} />
      <div class="row">
        <label for="quantity" class="visually-hidden">
          {m.quantity} ({unit})
        </label>
        <input
          id="quantity"
          type="number"
          name="quantity"
          value={String(product.minOrderQuantity)}
          min={String(product.minOrderQuantity)}
          step={String(product.orderStep)}
          max={String(Math.max(product.stock, product.minOrderQuantity))}
          inputmode="numeric"
          required
          aria-describedby="quantity-hint"
          disabled={soldOut}
        />
        <button type="submit" class="secondary" disabled={soldOut}>
          {soldOut ? m.soldOut : m.addToCart}
        </button>
        <button type="submit" class="accent" formmethod="get" formaction="/checkout" disabled={soldOut}>
          {m.buyNow}
        </button>
      </div>
      <p id="quantity-hint" class="hint muted">
        {hint} · {unit}
      </p>
    </form>
  );
}

export function PriceBlock({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  return (
    <>
      <p class="price price-big">
        {formatFen(product.unitPriceFen)} <span class="muted">{m.perUnit} {unit}</span>
      </p>
      <p>{stockLabel(product, m, locale)}</p>
      {product.priceTiers.some((tier) => tier.minQuantity > product.minOrderQuantity) ? <TierTable product={product} m={m} locale={locale} /> : null}
      <dl class="facts">
        <dt>{m.moq}</dt>
        <dd>
          {product.minOrderQuantity} {unit}
        </dd>
        <dt>{m.step}</dt>
        <dd>{product.orderStep}</dd>
        <dt>{m.stock}</dt>
        <dd>{product.stock}</dd>
      </dl>
    </>
  );
}

export function Provenance({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const { county, district, cooperative } = product.provenance;
  return (
    <section aria-labelledby="provenance">
      <h2 id="provenance">{m.provenance}</h2>
      <dl class="facts" data-testid="provenance">
        <dt>{m.origin}</dt>
        <dd>
          <a href={`/counties/${county.id}`}>{name(county, locale)}</a> · {countyOrigin(county, locale)}
        </dd>
        <dt>{m.pairedDistrict}</dt>
        <dd>{district ? name(district, locale) : m.supportedBy}</dd>
        <dt>{m.pairing}</dt>
        <dd>{pairingLabel(county.pairingKind, m)}</dd>
        <dt>{m.cooperative}</dt>
        <dd>
          <a href={`/cooperatives/${cooperative.id}`}>{name(cooperative, locale)}</a>
        </dd>
        <dt>{m.households}</dt>
        <dd>
          {product.provenance.householdsBenefited} {m.householdsUnit}
        </dd>
        {product.certificationNo ? (
          <>
            <dt>{m.certification}</dt>
            <dd>{product.certificationNo}</dd>
          </>
        ) : null}
        {product.shelfLifeDays !== null ? (
          <>
            <dt>{m.shelfLife}</dt>
            <dd>
              {product.shelfLifeDays} {m.days}
            </dd>
          </>
        ) : null}
        <dt>{m.storage}</dt>
        <dd>{locale === 'en' ? product.storageEn : product.storageZh}</dd>
      </dl>
    </section>
  );
}
