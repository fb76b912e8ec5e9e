import type { Locale } from '../lib/i18n';

/** Labels of the order, shipment, payment and invoice states and payment methods, shared by every page that shows them. */
const LABELS = {
  zh: {
    pending_payment: '待付款',
    paid: '已付款',
    invoiced: '已开票（待转账）',
    fulfilled: '已完成',
    cancelled: '已取消',
    refunded: '已退款',
    pending: '待处理',
    accepted: '已接单',
    shipped: '已发货',
    delivered: '已送达',
    succeeded: '成功',
    failed: '失败',
    stripe: '银行卡/支付宝/微信支付',
    card: '银行卡',
    alipay: '支付宝',
    wechat_pay: '微信支付',
    invoice: '对公转账',
    pay_at_pickup: '到店付款',
    open: '待转账',
    overdue: '已逾期',
  },
  en: {
    pending_payment: 'Awaiting payment',
    paid: 'Paid',
    invoiced: 'Invoiced',
    fulfilled: 'Fulfilled',
    cancelled: 'Cancelled',
    refunded: 'Refunded',
    pending: 'Pending',
    accepted: 'Accepted',
    shipped: 'Shipped',
    delivered: 'Delivered',
    succeeded: 'Succeeded',
    failed: 'Failed',
    stripe: 'Card / Alipay / WeChat Pay',
    card: 'Card',
    alipay: 'Alipay',
    wechat_pay: 'WeChat Pay',
    invoice: 'Invoice',
    pay_at_pickup: 'Pay at pickup',
    open: 'Open',
    overdue: 'Overdue',
  },
} as const;

/** Human label of an order, shipment, payment or invoice state, or of a payment method. */
export function label(locale: Locale, value: string): string {
  return (LABELS[locale] as Record<string, string>)[value] ?? value;
}
