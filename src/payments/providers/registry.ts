import type { Bindings } from '../../env';
import { Alipay, ALIPAY_GATEWAY_URL } from './alipay';
import type { PaymentProvider, ProviderName } from './provider';
import { WECHAT_PAY_BASE_URL, WechatPay } from './wechat-pay';

/**
 * The providers this deployment has secrets for. Each is all-or-nothing: a half-configured provider
 * is off (and the checkout says so) rather than failing at the buyer's first payment. Requests go
 * through the runtime's `fetch`, looked up on every call, so tests replace the providers at the
 * network boundary by stubbing `globalThis.fetch`.
 */

export type ProviderEnv = Pick<
  Bindings,
  | 'WECHATPAY_MCHID'
  | 'WECHATPAY_APPID'
  | 'WECHATPAY_SERIAL_NO'
  | 'WECHATPAY_PRIVATE_KEY'
  | 'WECHATPAY_PUBLIC_KEY'
  | 'WECHATPAY_PUBLIC_KEY_ID'
  | 'WECHATPAY_API_V3_KEY'
  | 'WECHATPAY_BASE_URL'
  | 'ALIPAY_APP_ID'
  | 'ALIPAY_PRIVATE_KEY'
  | 'ALIPAY_PUBLIC_KEY'
  | 'ALIPAY_GATEWAY_URL'
>;

const runtimeFetch: typeof fetch = (input, init) => fetch(input, init);

export function wechatPayOf(env: ProviderEnv): WechatPay | null {
  const { WECHATPAY_MCHID: mchid, WECHATPAY_APPID: appid, WECHATPAY_SERIAL_NO: serialNo, WECHATPAY_PRIVATE_KEY: privateKey } = env;
  const { WECHATPAY_PUBLIC_KEY: platformPublicKey, WECHATPAY_PUBLIC_KEY_ID: platformPublicKeyId, WECHATPAY_API_V3_KEY: apiV3Key } = env;
  if (!mchid || !appid || !serialNo || !privateKey || !platformPublicKey || !platformPublicKeyId || !apiV3Key) return null;
  return new WechatPay({ mchid, appid, serialNo, privateKey, platformPublicKey, platformPublicKeyId, apiV3Key, baseUrl: env.WECHATPAY_BASE_URL || WECHAT_PAY_BASE_URL, fetch: runtimeFetch });
}

export function alipayOf(env: ProviderEnv): Alipay | null {
  if (!env.ALIPAY_APP_ID || !env.ALIPAY_PRIVATE_KEY || !env.ALIPAY_PUBLIC_KEY) return null;
  return new Alipay({
    appId: env.ALIPAY_APP_ID,
    privateKey: env.ALIPAY_PRIVATE_KEY,
    alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
    gatewayUrl: env.ALIPAY_GATEWAY_URL || ALIPAY_GATEWAY_URL,
    fetch: runtimeFetch,
  });
}

export function providerOf(env: ProviderEnv, name: ProviderName): PaymentProvider | null {
  return name === 'wechat_pay' ? wechatPayOf(env) : alipayOf(env);
}

/** Which direct providers are on, for the checkout and join pages. */
export function providersAvailable(env: ProviderEnv): Record<ProviderName, boolean> {
  return { wechat_pay: wechatPayOf(env) !== null, alipay: alipayOf(env) !== null };
}
