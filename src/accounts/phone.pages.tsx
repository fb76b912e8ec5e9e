import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { callAuth, forwardCookies } from './auth-forward';
import { MAINLAND_MOBILE } from './phone-sign-in';
import { p } from './phone.i18n';
import { formFields, pageErrorHandler, renderPage, safeNext } from './pages.support';

/** Phone sign-in and password reset pages: plain forms posting to Better Auth's endpoints server side. */

type M = ReturnType<typeof p>;
const FULL_WIDTH = 'width:100%';

async function errorCode(res: Response): Promise<string | undefined> {
  try {
    return ((await res.json()) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** Better Auth's refusal → the sentence shown, in the page's language (by its rule). */
function refusal(m: M, status: number, code: string | undefined): string {
  if (status === 429) return m.rateLimited;
  if (code === 'INVALID_PHONE_NUMBER') return m.invalidPhone;
  if (code === 'TOO_MANY_ATTEMPTS') return m.tooManyAttempts;
  if (code === 'OTP_EXPIRED' || code === 'OTP_NOT_FOUND') return m.expiredCode;
  return m.wrongCode;
}

function Alert({ text }: { text?: string }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null;
}

function PhoneForm({ m, next, phone, error }: { m: M; next: string; phone?: string; error?: string }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.phoneSignIn}</h1>
      <Alert text={error} />
      <form method="post" action="/sign-in/phone" class="stack">
        <input type="hidden" name="next" value={next} />
        <div>
          <label for="phoneNumber">{m.phoneNumber}</label>
          <input id="phoneNumber" name="phoneNumber" type="tel" inputmode="numeric" autocomplete="tel" pattern="1[3-9][0-9]{9}" required value={phone ?? ''} style={FULL_WIDTH} />
          <small class="muted">{m.phoneHint}</small>
        </div>
        <button type="submit">{m.sendCode}</button>
      </form>
    </section>
  );
}

function CodeForm({ m, next, phone, error }: { m: M; next: string; phone: string; error?: string }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.phoneSignIn}</h1>
      <Alert text={error} />
      <p>{m.codeSent.replace('{phone}', phone)}</p>
      <form method="post" action="/sign-in/phone/verify" class="stack">
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="phoneNumber" value={phone} />
        <div>
          <label for="code">{m.code}</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required style={FULL_WIDTH} />
        </div>
        <button type="submit">{m.signIn}</button>
      </form>
      <form method="post" action="/sign-in/phone">
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="phoneNumber" value={phone} />
        <button type="submit" class="secondary">
          {m.resend}
        </button>
      </form>
    </section>
  );
}

export const phonePages = new Hono<AppEnv>();
phonePages.onError(pageErrorHandler);

const nextOf = (value: unknown) => safeNext(value, '/messages');

phonePages.get('/sign-in/phone', (c) => {
  const next = nextOf(c.req.query('next'));
  if (c.var.actor) return c.redirect(next, 303);
  return renderPage(c, p(c.var.locale).phoneSignIn, <PhoneForm m={p(c.var.locale)} next={next} />);
});

phonePages.post('/sign-in/phone', async (c) => {
  const m = p(c.var.locale);
  const fields = await formFields(c);
  const next = nextOf(fields.next);
  const phone = (fields.phoneNumber ?? '').replace(/\s|-/g, '');
  if (!MAINLAND_MOBILE.test(phone)) return renderPage(c, m.phoneSignIn, <PhoneForm m={m} next={next} phone={phone} error={m.invalidPhone} />, 400);
  const res = await callAuth(c, '/phone-number/send-otp', { phoneNumber: phone });
  if (!res.ok) return renderPage(c, m.phoneSignIn, <PhoneForm m={m} next={next} phone={phone} error={refusal(m, res.status, await errorCode(res))} />, res.status === 429 ? 429 : 400);
  return renderPage(c, m.phoneSignIn, <CodeForm m={m} next={next} phone={phone} />);
});

phonePages.post('/sign-in/phone/verify', async (c) => {
  const m = p(c.var.locale);
  const fields = await formFields(c);
  const next = nextOf(fields.next);
  const phone = fields.phoneNumber ?? '';
  const res = await callAuth(c, '/phone-number/verify', { phoneNumber: phone, code: fields.code ?? '' });
  if (res.ok) {
    forwardCookies(c, res);
    return c.redirect(next, 303);
  }
  const status = res.status === 429 ? 429 : res.status === 403 ? 403 : 400;
  return renderPage(c, m.phoneSignIn, <CodeForm m={m} next={next} phone={phone} error={refusal(m, res.status, await errorCode(res))} />, status);
});

function ForgotForm({ m, error, notice }: { m: M; error?: string; notice?: string }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.forgot}</h1>
      <Alert text={error} />
      {notice ? <p role="status">{notice}</p> : <p>{m.forgotIntro}</p>}
      <form method="post" action="/forgot-password" class="stack">
        <div>
          <label for="who">{m.emailOrPhone}</label>
          <input id="who" name="who" required autocomplete="username" style={FULL_WIDTH} />
        </div>
        <button type="submit">{m.send}</button>
      </form>
    </section>
  );
}

function ResetForm({ m, action, hidden, withCode, error }: { m: M; action: string; hidden: Record<string, string>; withCode: boolean; error?: string }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.resetPassword}</h1>
      <Alert text={error} />
      <form method="post" action={action} class="stack">
        {Object.entries(hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {withCode ? (
          <div>
            <label for="otp">{m.code}</label>
            <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength={6} required style={FULL_WIDTH} />
          </div>
        ) : null}
        <div>
          <label for="newPassword">{m.newPassword}</label>
          <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength={8} maxlength={128} required style={FULL_WIDTH} />
        </div>
        <button type="submit">{m.resetPassword}</button>
      </form>
    </section>
  );
}

phonePages.get('/forgot-password', (c) => renderPage(c, p(c.var.locale).forgot, <ForgotForm m={p(c.var.locale)} />));

phonePages.post('/forgot-password', async (c) => {
  const m = p(c.var.locale);
  const who = ((await formFields(c)).who ?? '').replace(/\s|-/g, '');
  if (MAINLAND_MOBILE.test(who)) {
    const res = await callAuth(c, '/phone-number/request-password-reset', { phoneNumber: who });
    if (res.status === 429) return renderPage(c, m.forgot, <ForgotForm m={m} error={m.rateLimited} />, 429);
    // Same answer whether or not the number has an account.
    return renderPage(c, m.resetPassword, <ResetForm m={m} action="/reset-password/phone" hidden={{ phoneNumber: who }} withCode />);
  }
  const res = await callAuth(c, '/request-password-reset', { email: who, redirectTo: '/reset-password' });
  if (res.status === 429) return renderPage(c, m.forgot, <ForgotForm m={m} error={m.rateLimited} />, 429);
  return renderPage(c, m.forgot, <ForgotForm m={m} notice={m.mailSent} />);
});

phonePages.get('/reset-password', (c) => {
  const m = p(c.var.locale);
  const token = c.req.query('token') ?? '';
  if (!token || c.req.query('error')) return renderPage(c, m.forgot, <ForgotForm m={m} error={m.resetFailed} />, 400);
  return renderPage(c, m.resetPassword, <ResetForm m={m} action="/reset-password" hidden={{ token }} withCode={false} />);
});

async function finishReset(c: Context<AppEnv>, path: string, body: Record<string, string>) {
  const m = p(c.var.locale);
  const res = await callAuth(c, path, body);
  if (res.ok) return c.redirect(`/sign-in?reset=1`, 303);
  return renderPage(c, m.forgot, <ForgotForm m={m} error={res.status === 429 ? m.rateLimited : m.resetFailed} />, res.status === 429 ? 429 : 400);
}

phonePages.post('/reset-password', async (c) => {
  const f = await formFields(c);
  return finishReset(c, '/reset-password', { token: f.token ?? '', newPassword: f.newPassword ?? '' });
});

phonePages.post('/reset-password/phone', async (c) => {
  const f = await formFields(c);
  return finishReset(c, '/phone-number/reset-password', { phoneNumber: f.phoneNumber ?? '', otp: f.otp ?? '', newPassword: f.newPassword ?? '' });
});
