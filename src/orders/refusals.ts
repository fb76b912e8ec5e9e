import type { FieldError } from '../lib/errors';
import type { Locale } from '../lib/i18n';

/**
 * Refusals of the cart and checkout worded by their `rule` in the page's language. The services keep
 * their English `message` for the API; a page shows this text instead, and the message only for a rule
 * it does not know (so a new rule is never silently swallowed).
 */
const REFUSALS: Record<string, { zh: string; en: string }> = {
  unknown_product: { zh: '商品不存在，请移除。', en: 'This product does not exist; please remove it.' },
  unavailable: { zh: '该商品已下架，请移除。', en: 'This product is no longer on sale; please remove it.' },
  duplicate: { zh: '同一商品重复出现，请合并为一行。', en: 'The same product appears twice; combine it into one line.' },
  not_integer: { zh: '数量须为整数。', en: 'Quantity must be a whole number.' },
  not_positive: { zh: '数量至少为 1。', en: 'Quantity must be at least 1.' },
  too_large: { zh: '数量超出单笔上限。', en: 'Quantity is above the limit for one order.' },
  below_minimum: { zh: '低于起订量 {min}。', en: 'Below the minimum order of {min}.' },
  off_step: { zh: '数量须在起订量之上按 {step} 递增。', en: 'Quantity must go up from the minimum in steps of {step}.' },
  address_or_location: { zh: '请填写收货地址，或选择一个已保存的收货点。', en: 'Enter an address or choose a saved delivery location.' },
  recipient_length: { zh: '收货人姓名须为 1–50 个字。', en: 'Recipient must be 1–50 characters.' },
  phone_format: { zh: '请填写 11 位手机号，或上海座机（021 加 8 位）。', en: 'Enter a mainland mobile number (11 digits) or a Shanghai landline (021 + 8 digits).' },
  street_length: { zh: '详细地址须为 4–200 个字。', en: 'Street address must be 4–200 characters.' },
  unknown_district: { zh: '请选择上海的一个区。', en: 'Choose a Shanghai district.' },
  pickup_point_not_allowed: { zh: '请选择已认证的展销馆，或为本单位下单时选择本单位。', en: 'Choose a verified showroom, or your own organisation when ordering for it.' },
  delivery_location_not_allowed: { zh: '请选择本单位的收货点（并以本单位身份下单）。', en: 'Choose one of your organisation’s delivery locations (and order for that organisation).' },
  contact_name_length: { zh: '联系人姓名须为 1–50 个字。', en: 'Name must be 1–50 characters.' },
  email_format: { zh: '电子邮箱格式不正确。', en: 'Not an e-mail address.' },
  stripe_unavailable: { zh: '银行卡、支付宝和微信支付暂不可用：本站尚未配置在线支付。', en: 'Card, Alipay and WeChat Pay are unavailable: online payment is not configured on this site.' },
  wechat_pay_unavailable: { zh: '微信支付暂不可用：本站尚未配置微信支付，请选择其他付款方式。', en: 'WeChat Pay is not configured on this site; choose another way to pay.' },
  alipay_unavailable: { zh: '支付宝暂不可用：本站尚未配置支付宝，请选择其他付款方式。', en: 'Alipay is not configured on this site; choose another way to pay.' },
  pay_at_pickup_showroom_only: { zh: '到店付款仅适用于在展销馆自提的订单。', en: 'Pay at pickup is only for orders collected at a showroom.' },
  invoice_needs_organization: { zh: '对公转账仅限机构：请选择您代表的单位。', en: 'Invoice terms are for organisations: choose the organisation you order for.' },
  invoice_unverified: { zh: '该单位尚待平台认证，认证后才能使用账期。', en: 'This organisation is awaiting verification; invoice terms start once verified.' },
  invoice_no_terms: { zh: '该单位没有账期，请使用在线支付。', en: 'This organisation has no invoice terms; pay online.' },
  credit_limit: { zh: '本单超出该单位剩余的账期额度：请先结清未付发票、减少数量或在线支付。', en: 'This order exceeds the invoice credit left: pay an open invoice, order less, or pay online.' },
};

export type RefusalParams = { min?: number; step?: number };

export function refusalText(problem: Pick<FieldError, 'rule' | 'message'>, locale: Locale, params: RefusalParams = {}): string {
  const entry = problem.rule ? REFUSALS[problem.rule] : undefined;
  if (!entry) return problem.message;
  return entry[locale].replace('{min}', String(params.min ?? '')).replace('{step}', String(params.step ?? ''));
}

/** Every rule a page words itself (the tests check each one renders in Chinese). */
export const LOCALISED_RULES = Object.keys(REFUSALS);
