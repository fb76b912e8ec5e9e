/**
 * What each notification kind sends on each channel. SMS is a registered template and its parameters (the
 * provider rejects free text), keyed by our template key; SMS_TEMPLATES maps keys to the provider's codes.
 * E-mail is subject + text in the recipient's locale. A kind without an SMS template goes by e-mail and
 * inbox only. Parameters come from the notification's payload, written by the event's own batch.
 */
import type { Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';

export type NotificationRow = {
  id: string;
  kind: string;
  titleZh: string;
  titleEn: string;
  payload: unknown;
  userId: string | null;
  organizationId: string | null;
  phone: string | null;
};

export type Rendered = {
  sms: { key: string; params: Record<string, string> } | null;
  email: { subject: string; text: string } | null;
  /** Sign-in and reset codes: sent at once, whatever the hour (quiet hours apply to everything else). */
  urgent: boolean;
  /** Marketing-type messages honour the person's opt-out; everything else is transactional. */
  marketing: boolean;
};

type Payload = Record<string, unknown>;
const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));
/** Alibaba limits a template variable to 35 characters (codes 6). */
const short = (value: unknown, max = 35) => str(value).slice(0, max);

type KindTemplate = {
  sms?: (p: Payload) => { key: string; params: Record<string, string> };
  /** Extra lines for the e-mail body, after the title. */
  emailLines?: (p: Payload, locale: Locale, appUrl: string) => string[];
  email?: boolean;
  urgent?: boolean;
  marketing?: boolean;
};

const TEMPLATES: Record<string, KindTemplate> = {
  'auth.sign_in_code': { sms: (p) => ({ key: 'sign_in_code', params: { code: str(p.code) } }), email: false, urgent: true },
  'auth.password_reset_code': { sms: (p) => ({ key: 'password_reset', params: { code: str(p.code) } }), email: false, urgent: true },
  'auth.password_reset_link': {
    emailLines: (p, l) => [l === 'en' ? `Choose a new password here (valid for one hour): ${str(p.link)}` : `请在一小时内通过此链接设置新密码：${str(p.link)}`],
    urgent: true,
  },
  'auth.verify_email': {
    emailLines: (p, l) => [l === 'en' ? `Confirm your address: ${str(p.link)}` : `请点击链接验证邮箱：${str(p.link)}`],
    urgent: true,
  },
  'group_buy.participant_formed': {
    sms: (p) => ({ key: 'group_formed', params: { title: short(p.title), pickup: short(p.pickup), code: short(p.pickupCode, 12) } }),
  },
  'group_buy.participant_failed': { sms: (p) => ({ key: 'group_failed', params: { title: short(p.title) } }) },
  'group_buy.participant_dropped': { sms: (p) => ({ key: 'group_dropped', params: { title: short(p.title) } }) },
  // Marketing: left out for those who turned marketing messages off (Alibaba sends it as a 推广短信).
  'group_buy.opened': {
    sms: (p) => ({ key: 'group_opened', params: { pickup: short(p.pickup), title: short(p.title), closes: short(p.closes, 20) } }),
    emailLines: (p, l, appUrl) => [l === 'en' ? `Join: ${appUrl}${str(p.link)}` : `参团：${appUrl}${str(p.link)}`],
    marketing: true,
  },
  'group_buy.pickup_reminder': {
    sms: (p) => ({ key: 'pickup_reminder', params: { title: short(p.title), pickup: short(p.pickup), time: short(p.date ? `${str(p.date)} ${str(p.window)}` : p.window, 20), code: short(p.pickupCode, 12) } }),
  },
  'order.paid': { sms: (p) => ({ key: 'order_paid', params: { order: short(p.orderId, 20), amount: formatFen(Number(p.totalFen ?? 0)) } }) },
  'shipment.shipped': {
    sms: (p) => ({ key: 'shipment_shipped', params: { order: short(p.orderId, 20), carrier: short(p.carrier, 20), tracking: short(p.trackingNumber, 30) } }),
  },
  'shipment.delivered': { sms: (p) => ({ key: 'shipment_delivered', params: { order: short(p.orderId, 20) } }) },
  'invitation.email': {
    emailLines: (p, l) => [l === 'en' ? `Accept the invitation: ${str(p.link)}` : `接受邀请：${str(p.link)}`],
  },
  'invoice.due_soon': {
    emailLines: (p, l) => [l === 'en' ? `Amount: ${formatFen(Number(p.totalFen ?? 0))}, order ${str(p.orderId)}` : `金额：${formatFen(Number(p.totalFen ?? 0))}，订单 ${str(p.orderId)}`],
  },
  'invoice.overdue': {
    emailLines: (p, l) => [l === 'en' ? `Amount: ${formatFen(Number(p.totalFen ?? 0))}, order ${str(p.orderId)}` : `金额：${formatFen(Number(p.totalFen ?? 0))}，订单 ${str(p.orderId)}`],
  },
  'settlement.paid': {
    emailLines: (p, l) => [l === 'en' ? `Net ${formatFen(Number(p.netFen ?? 0))}, bank reference ${str(p.bankReference)}` : `净额 ${formatFen(Number(p.netFen ?? 0))}，银行流水号 ${str(p.bankReference)}`],
  },
};

export function templateOf(kind: string): KindTemplate {
  return TEMPLATES[kind] ?? {};
}

export function render(row: NotificationRow, locale: Locale, appUrl: string): Rendered {
  const template = templateOf(row.kind);
  const payload = (row.payload && typeof row.payload === 'object' ? row.payload : {}) as Payload;
  const title = locale === 'en' ? row.titleEn : row.titleZh;
  const inbox = locale === 'en' ? `Your messages: ${appUrl}/messages` : `我的消息：${appUrl}/messages`;
  return {
    sms: template.sms ? template.sms(payload) : null,
    email: template.email === false ? null : { subject: title, text: [title, ...(template.emailLines?.(payload, locale, appUrl) ?? []), '', inbox].join('\n') },
    urgent: template.urgent ?? false,
    marketing: template.marketing ?? false,
  };
}

/** Every SMS template key, with the text to register at the provider (zh; the variables in ${}). */
export const SMS_TEMPLATE_TEXTS: Record<string, string> = {
  sign_in_code: '您的登录验证码为${code}，5分钟内有效，请勿泄露。',
  password_reset: '您正在重置密码，验证码为${code}，5分钟内有效。',
  group_formed: '团购“${title}”已成团，到货后凭提货码${code}到${pickup}提货。',
  group_failed: '团购“${title}”未成团，已付款项将原路退回。',
  group_dropped: '团购“${title}”已截止，您未完成付款，名额已取消。',
  group_opened: '${pickup}新团上线：“${title}”，${closes}截止，欢迎参团。拒收请回复R',
  pickup_reminder: '团购“${title}”${time}可在${pickup}提货，提货码${code}。',
  order_paid: '订单${order}已付款${amount}，我们会尽快安排发货。',
  shipment_shipped: '订单${order}已由${carrier}发出，运单号${tracking}。',
  shipment_delivered: '订单${order}已送达，感谢您支持消费帮扶。',
};
