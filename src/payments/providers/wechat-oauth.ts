/**
 * WeChat's OAuth web authorisation (网页授权), scope `snsapi_base`: silent inside WeChat's browser,
 * it hands back a `code` that our server exchanges, with the Official Account's AppSecret, for the
 * buyer's openid under our AppID — what a JSAPI prepay needs.
 */

export const WECHAT_OPEN_URL = 'https://open.weixin.qq.com';
export const WECHAT_API_URL = 'https://api.weixin.qq.com';

export function wechatAuthorizeUrl(appid: string, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ appid, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state });
  return `${WECHAT_OPEN_URL}/connect/oauth2/authorize?${query.toString()}#wechat_redirect`;
}

/** The openid for an authorisation code, or null when WeChat refuses it (used, expired, forged). */
export async function openidForCode(appid: string, secret: string, code: string, doFetch: typeof fetch = fetch): Promise<string | null> {
  const query = new URLSearchParams({ appid, secret, code, grant_type: 'authorization_code' });
  const res = await doFetch(`${WECHAT_API_URL}/sns/oauth2/access_token?${query.toString()}`);
  if (!res.ok) return null;
  const body = (await res.json()) as { openid?: string; errcode?: number };
  return body.openid && !body.errcode ? body.openid : null;
}
