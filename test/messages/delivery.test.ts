import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call } from '../helpers/http';
import { deliver, deliveries, fakeProviders, insertNotification, notificationState, shanghaiTime, ALIYUN } from '../helpers/messages';

describe('message delivery through the queue', () => {
  let providers: ReturnType<typeof fakeProviders>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(shanghaiTime(14));
  });
  afterEach(() => {
    providers?.restore();
    vi.useRealTimers();
  });

  it('Should send an SMS signed as Alibaba Cloud specifies, with the registered template and parameters, and record its BizId', async () => {
    providers = fakeProviders();
    const id = await insertNotification();
    const result = await deliver([{ notificationId: id }]);
    expect(result.explicitAcks).toHaveLength(1);
    const [call] = providers.sms();
    expect(call!.params!.get('Action')).toBe('SendSms');
    expect(call!.params!.get('SignName')).toBe(ALIYUN.sign);
    expect(call!.params!.get('TemplateCode')).toBe('SMS_100002');
    expect(JSON.parse(call!.params!.get('TemplateParam')!)).toEqual({ title: '普洱团', pickup: '静安展销馆', code: 'K7Q2' });
    expect(call!.params!.get('PhoneNumbers')).toBe('13900000001');
    const [sms] = await deliveries(id);
    expect(sms).toMatchObject({ channel: 'sms', status: 'sent', provider: 'aliyun', provider_message_id: 'biz-1', attempts: 1 });
    expect((await notificationState(id))!.delivered_at).not.toBeNull();
  });

  it('Should send nothing twice when the queue redelivers a message', async () => {
    providers = fakeProviders();
    const id = await insertNotification();
    await deliver([{ notificationId: id }]);
    const again = await deliver([{ notificationId: id }], { attempts: 2 });
    await deliver([{ notificationId: id }, { notificationId: id }]);
    expect(again.explicitAcks).toHaveLength(1);
    expect(providers.sms()).toHaveLength(1);
    expect(await deliveries(id)).toHaveLength(1);
  });

  it('Should retry a provider 5xx with backoff, then succeed without sending twice', async () => {
    providers = fakeProviders({ sms: [{ status: 503, body: { Code: 'ServiceUnavailable', Message: 'busy' } }, { status: 200, body: { Code: 'OK', BizId: 'biz-late', RequestId: 'r' } }] });
    const id = await insertNotification();
    const first = await deliver([{ notificationId: id }], { attempts: 1 });
    expect(first.retryMessages).toHaveLength(1);
    // Backoff: the row is due again in 30 s (the queue's own retry carries the same delay).
    expect((await notificationState(id))!.enqueued_at).toBe(Date.now() + 30_000);
    expect((await deliveries(id))[0]).toMatchObject({ status: 'retrying', provider_status: 'ServiceUnavailable' });
    const second = await deliver([{ notificationId: id }], { attempts: 2 });
    expect(second.explicitAcks).toHaveLength(1);
    expect((await deliveries(id))[0]).toMatchObject({ status: 'sent', provider_message_id: 'biz-late', attempts: 2 });
    expect(providers.sms()).toHaveLength(2);
  });

  it("Should retry Alibaba's throttling answer (isv.BUSINESS_LIMIT_CONTROL) and not retry a refused number", async () => {
    providers = fakeProviders({ sms: [{ status: 200, body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' } }, { status: 200, body: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' } }] });
    const throttled = await insertNotification();
    expect((await deliver([{ notificationId: throttled }])).retryMessages).toHaveLength(1);
    const refused = await insertNotification({ phone: '13900000002' });
    const result = await deliver([{ notificationId: refused }]);
    expect(result.retryMessages).toHaveLength(0);
    expect((await deliveries(refused))[0]).toMatchObject({ status: 'failed', provider_status: 'isv.MOBILE_NUMBER_ILLEGAL' });
  });

  it('Should give up to the dead-letter queue after the last retry and mark the delivery dead', async () => {
    providers = fakeProviders({ sms: [{ status: 500, body: { Code: 'InternalError', Message: 'boom' } }] });
    const id = await insertNotification();
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = await deliver([{ notificationId: id }], { attempts: attempt });
      expect(result.retryMessages).toHaveLength(1);
      expect((await notificationState(id))!.enqueued_at).toBe(Date.now() + Math.min(30 * 2 ** (attempt - 1), 600) * 1000);
    }
    // The queue (max_retries = 5) now moves the message to shanhai-messages-dlq.
    await deliver([{ notificationId: id }], { queue: 'shanhai-messages-dlq' });
    expect((await deliveries(id))[0]).toMatchObject({ status: 'dead', attempts: 6 });
    expect((await notificationState(id))!.delivered_at).not.toBeNull();
  });

  it('Should treat a signature the provider rejects as a final failure, not retry it', async () => {
    providers = fakeProviders();
    const id = await insertNotification();
    await deliver([{ notificationId: id }], { env: { ...env, ALIYUN_ACCESS_KEY_ID: ALIYUN.id, ALIYUN_ACCESS_KEY_SECRET: 'wrong-secret', ALIYUN_SMS_SIGN_NAME: ALIYUN.sign, SMS_TEMPLATES: '{"group_formed":"SMS_1"}' } });
    expect((await deliveries(id))[0]).toMatchObject({ status: 'failed', provider_status: 'SignatureDoesNotMatch' });
  });

  it('Should hold an SMS written during quiet hours until 08:00 Shanghai, but send a sign-in code at once', async () => {
    providers = fakeProviders();
    vi.setSystemTime(shanghaiTime(22, 30));
    const sent: unknown[] = [];
    const sendBatch = vi.spyOn(env.MESSAGES, 'sendBatch').mockImplementation(async (messages) => {
      sent.push(...messages);
      return undefined as never;
    });
    const reminder = await insertNotification();
    const result = await deliver([{ notificationId: reminder }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(providers.sms()).toHaveLength(0);
    expect(sent).toEqual([{ body: { notificationId: reminder, only: ['sms'] }, delaySeconds: 9.5 * 3600 }]);
    // Without a provider, the dev outbox lists it as held until 08:00 (so a developer sees why nothing went).
    const outbox = await (await call('/dev/outbox')).text();
    expect(outbox).toContain('<tr data-held-kind="group_buy.participant_formed" data-recipient="13900000001">');
    expect(outbox).toMatch(/<td>\d{4}-\d{2}-\d{2} 08:00<\/td>/);
    const code = await insertNotification({ kind: 'auth.sign_in_code', payload: JSON.stringify({ code: '123456' }) });
    await deliver([{ notificationId: code }]);
    expect(providers.sms()).toHaveLength(1);
    expect(JSON.parse(providers.sms()[0]!.params!.get('TemplateParam')!)).toEqual({ code: '123456' });
    sendBatch.mockRestore();
  });

  it('Should skip the SMS (recorded) when no template code is configured for the event', async () => {
    providers = fakeProviders();
    const id = await insertNotification({ kind: 'shipment.delivered', payload: JSON.stringify({ orderId: 'ord_1' }) });
    await deliver([{ notificationId: id }], { env: { ...env, ALIYUN_ACCESS_KEY_ID: ALIYUN.id, ALIYUN_ACCESS_KEY_SECRET: ALIYUN.secret, ALIYUN_SMS_SIGN_NAME: ALIYUN.sign, SMS_TEMPLATES: '{}' } });
    expect(providers.sms()).toHaveLength(0);
    expect((await deliveries(id))[0]).toMatchObject({ channel: 'sms', status: 'skipped', provider_status: 'no_template_code' });
  });
});
