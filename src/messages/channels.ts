/**
 * The channel interface: one SMS provider and one e-mail provider, chosen by configuration (secrets). Without
 * credentials both are the local outbox: nothing leaves the worker, the delivery record keeps what would have
 * been sent and /dev/outbox shows it. Providers receive our own fetch so tests replace only the network.
 */
import type { Bindings } from '../env';
import { aliyunSms } from './aliyun-sms';
import { resendEmail } from './resend-email';
import type { Channels, EmailChannel, Fetch, SmsChannel } from './channel-types';

export type { OutgoingSms, OutgoingEmail, SendResult, SmsChannel, EmailChannel, Channels, Fetch } from './channel-types';
export { outcomeOfStatus } from './channel-types';

/** Local outbox: "sends" by recording; the template key is its own code so every event shows up. */
export const localSms: SmsChannel = {
  provider: 'local',
  templateCode: (key) => key,
  send: async (m) => ({ outcome: 'sent', providerMessageId: `local_${m.reference}`, providerStatus: 'OK' }),
};

export const localEmail: EmailChannel = {
  provider: 'local',
  send: async (m) => ({ outcome: 'sent', providerMessageId: `local_${m.reference}`, providerStatus: 'OK' }),
};

/** Parses SMS_TEMPLATES: a JSON object from our template keys to the provider's codes. */
export function templateCodes(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // A malformed setting sends no SMS rather than crashing the consumer.
  }
  return {};
}

export function createChannels(env: Bindings, fetcher: Fetch = (input, init) => fetch(input, init)): Channels {
  const sms =
    env.ALIYUN_ACCESS_KEY_ID && env.ALIYUN_ACCESS_KEY_SECRET && env.ALIYUN_SMS_SIGN_NAME
      ? aliyunSms(
          { accessKeyId: env.ALIYUN_ACCESS_KEY_ID, accessKeySecret: env.ALIYUN_ACCESS_KEY_SECRET, signName: env.ALIYUN_SMS_SIGN_NAME, templates: templateCodes(env.SMS_TEMPLATES) },
          fetcher,
        )
      : localSms;
  const email = env.RESEND_API_KEY && env.EMAIL_FROM ? resendEmail({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM }, fetcher) : localEmail;
  return { sms, email };
}
