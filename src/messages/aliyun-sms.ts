/**
 * Alibaba Cloud SMS (Dysmsapi 2017-05-25) SendSms, signed as its RPC API specifies (signature version 1.0):
 * the parameters sorted by name, each RFC 3986-encoded, joined into `POST&%2F&<encoded query>`, signed with
 * HMAC-SHA1 under `AccessKeySecret&`, Base64 in `Signature`. The body is form-encoded.
 * Answers: `{ Code: 'OK', BizId, RequestId }` on success; `isv.BUSINESS_LIMIT_CONTROL` / `Throttling.*`
 * are throttling (retry later); other `isv.*` codes are refusals (bad number, template) that retrying
 * cannot fix.
 */
import { outcomeOfStatus, type Fetch, type SendResult, type SmsChannel } from './channel-types';

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

export type AliyunConfig = { accessKeyId: string; accessKeySecret: string; signName: string; templates: Record<string, string>; regionId?: string };

/** RFC 3986 percent-encoding as Alibaba's signature requires (`~` kept, `!'()*` encoded, space as %20). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key]!)}`)
    .join('&');
}

export async function aliyunSignature(method: string, params: Record<string, string>, accessKeySecret: string): Promise<string> {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(`${accessKeySecret}&`), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(stringToSign));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

const THROTTLED = /^(isv\.BUSINESS_LIMIT_CONTROL|Throttling|isv\.DAY_LIMIT_CONTROL|ServiceUnavailable|InternalError)/;

export function aliyunSms(config: AliyunConfig, fetcher: Fetch): SmsChannel {
  return {
    provider: 'aliyun',
    templateCode: (key) => config.templates[key] ?? null,
    async send(message): Promise<SendResult> {
      const params: Record<string, string> = {
        AccessKeyId: config.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        OutId: message.reference,
        PhoneNumbers: message.to,
        RegionId: config.regionId ?? 'cn-hangzhou',
        SignName: config.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: crypto.randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: message.templateCode,
        TemplateParam: JSON.stringify(message.params),
        Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      const signature = await aliyunSignature('POST', params, config.accessKeySecret);
      let response: Response;
      try {
        response = await fetcher(ALIYUN_SMS_ENDPOINT, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `Signature=${percentEncode(signature)}&${canonicalQuery(params)}`,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        return { outcome: 'retry', providerStatus: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error' };
      }
      const body = (await response.json().catch(() => null)) as { Code?: string; BizId?: string; RequestId?: string } | null;
      const code = body?.Code ?? `http_${response.status}`;
      if (response.ok && code === 'OK') return { outcome: 'sent', providerMessageId: body?.BizId ?? body?.RequestId ?? '', providerStatus: 'OK' };
      if (THROTTLED.test(code)) return { outcome: 'retry', providerStatus: code };
      return { outcome: body?.Code ? 'failed' : outcomeOfStatus(response.status), providerStatus: code };
    },
  };
}
