/** What every channel shares: the messages it sends, its answer, and the interface a provider implements. */

export type OutgoingSms = {
  /** 11-digit mainland number. */
  to: string;
  /** Provider template code (registered with the provider; no free text is ever sent). */
  templateCode: string;
  params: Record<string, string>;
  /** Stable per notification and channel: our trace id at the provider. */
  reference: string;
};

export type OutgoingEmail = { to: string[]; subject: string; text: string; reference: string };

/** `retry`: 5xx, timeout or throttling — the queue redelivers with backoff. `failed`: refused for good. */
export type SendResult =
  | { outcome: 'sent'; providerMessageId: string; providerStatus: string }
  | { outcome: 'retry'; providerStatus: string }
  | { outcome: 'failed'; providerStatus: string };

export interface SmsChannel {
  provider: string;
  /** Template code for one of our template keys; null when none is configured (the SMS is skipped). */
  templateCode(key: string): string | null;
  send(message: OutgoingSms): Promise<SendResult>;
}

export interface EmailChannel {
  provider: string;
  send(message: OutgoingEmail): Promise<SendResult>;
}

export type Channels = { sms: SmsChannel; email: EmailChannel };

export type Fetch = typeof fetch;

/** Outcome of an HTTP status when the body gave nothing better: 429 and 5xx are worth retrying. */
export function outcomeOfStatus(status: number): 'retry' | 'failed' {
  return status === 429 || status >= 500 ? 'retry' : 'failed';
}
