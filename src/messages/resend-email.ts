/**
 * Transactional e-mail through Resend's HTTP API: `POST https://api.resend.com/emails` with a bearer key,
 * `{ from, to, subject, text }`, answered `{ id }`. Its `Idempotency-Key` header (kept 24 h) makes a retried
 * send after a lost answer harmless. 429 and 5xx are retried; other 4xx (validation, domain) are final.
 */
import { outcomeOfStatus, type EmailChannel, type Fetch, type SendResult } from './channel-types';

export const RESEND_ENDPOINT = 'https://api.resend.com/emails';

export function resendEmail(config: { apiKey: string; from: string }, fetcher: Fetch): EmailChannel {
  return {
    provider: 'resend',
    async send(message): Promise<SendResult> {
      let response: Response;
      try {
        response = await fetcher(RESEND_ENDPOINT, {
          method: 'POST',
          headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json', 'idempotency-key': message.reference },
          body: JSON.stringify({ from: config.from, to: message.to, subject: message.subject, text: message.text }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        return { outcome: 'retry', providerStatus: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error' };
      }
      const body = (await response.json().catch(() => null)) as { id?: string; name?: string } | null;
      if (response.ok && body?.id) return { outcome: 'sent', providerMessageId: body.id, providerStatus: 'OK' };
      return { outcome: outcomeOfStatus(response.status), providerStatus: body?.name ?? `http_${response.status}` };
    },
  };
}
