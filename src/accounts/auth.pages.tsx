import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { t } from './accounts.i18n';
import { callAuth, forwardCookies } from './auth-forward';
import { formFields, pageErrorHandler, renderPage, safeNext } from './pages.support';

/** Sign-up, sign-in and sign-out pages; the forms post here (same origin, checked by the app's CSRF middleware). */

async function authErrorCode(res: Response): Promise<string | undefined> {
  try {
    return ((await res.json()) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

const FULL_WIDTH = 'width:100%';

type FormState = { error?: string; email?: string; name?: string; next: string };

function SignInForm({ m, state }: { m: ReturnType<typeof t>; state: FormState }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.signIn}</h1>
      {state.error ? (
        <p class="error" role="alert">
          {state.error}
        </p>
      ) : null}
      <form method="post" action="/sign-in" class="stack">
        <input type="hidden" name="next" value={state.next} />
        <div>
          <label for="email">{m.email}</label>
          <input id="email" name="email" type="email" autocomplete="email" required value={state.email ?? ''} style={FULL_WIDTH} />
        </div>
        <div>
          <label for="password">{m.password}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required style={FULL_WIDTH} />
        </div>
        <button type="submit">{m.signIn}</button>
      </form>
      <p>
        {m.noAccount} <a href={`/sign-up?next=${encodeURIComponent(state.next)}`}>{m.signUp}</a>
      </p>
      <p>
        <a href={`/sign-in/phone?next=${encodeURIComponent(state.next)}`}>{m.usePhone}</a> · <a href="/forgot-password">{m.forgotPassword}</a>
      </p>
    </section>
  );
}

function SignUpForm({ m, state }: { m: ReturnType<typeof t>; state: FormState }) {
  return (
    <section class="card stack" style="max-width:420px">
      <h1>{m.signUp}</h1>
      {state.error ? (
        <p class="error" role="alert">
          {state.error}
        </p>
      ) : null}
      <form method="post" action="/sign-up" class="stack">
        <input type="hidden" name="next" value={state.next} />
        <div>
          <label for="name">{m.name}</label>
          <input id="name" name="name" autocomplete="name" required maxlength={100} value={state.name ?? ''} style={FULL_WIDTH} />
        </div>
        <div>
          <label for="email">{m.email}</label>
          <input id="email" name="email" type="email" autocomplete="email" required value={state.email ?? ''} style={FULL_WIDTH} />
        </div>
        <div>
          <label for="password">
            {m.password} <span class="muted">({m.passwordHint})</span>
          </label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength={8} maxlength={128} style={FULL_WIDTH} />
        </div>
        <button type="submit">{m.signUp}</button>
      </form>
      <p>
        {m.haveAccount} <a href={`/sign-in?next=${encodeURIComponent(state.next)}`}>{m.signIn}</a>
      </p>
    </section>
  );
}

export const authPages = new Hono<AppEnv>();
authPages.onError(pageErrorHandler);

authPages.get('/sign-in', (c) => {
  const m = t(c.var.locale);
  const next = safeNext(c.req.query('next'));
  if (c.var.actor) return c.redirect(next, 303);
  return renderPage(c, m.signIn, <SignInForm m={m} state={{ next }} />);
});

authPages.post('/sign-in', async (c) => {
  const m = t(c.var.locale);
  const fields = await formFields(c);
  const next = safeNext(fields.next);
  const res = await callAuth(c, '/sign-in/email', { email: fields.email ?? '', password: fields.password ?? '' });
  if (res.ok) {
    forwardCookies(c, res);
    return c.redirect(next, 303);
  }
  const status = res.status === 429 ? 429 : res.status === 400 ? 400 : 401;
  const error = status === 429 ? m.rateLimited : m.wrongCredentials;
  return renderPage(c, m.signIn, <SignInForm m={m} state={{ next, email: fields.email, error }} />, status);
});

authPages.get('/sign-up', (c) => {
  const m = t(c.var.locale);
  const next = safeNext(c.req.query('next'));
  if (c.var.actor) return c.redirect(next, 303);
  return renderPage(c, m.signUp, <SignUpForm m={m} state={{ next }} />);
});

authPages.post('/sign-up', async (c) => {
  const m = t(c.var.locale);
  const fields = await formFields(c);
  const next = safeNext(fields.next);
  const res = await callAuth(c, '/sign-up/email', { name: fields.name ?? '', email: fields.email ?? '', password: fields.password ?? '' });
  if (res.ok) {
    forwardCookies(c, res);
    return c.redirect(next, 303);
  }
  const code = await authErrorCode(res);
  const error =
    res.status === 429
      ? m.rateLimited
      : code?.startsWith('USER_ALREADY_EXISTS')
        ? m.emailTaken
        : code === 'PASSWORD_TOO_SHORT'
          ? m.passwordTooShort
          : code === 'INVALID_EMAIL'
            ? m.invalidEmail
            : code === 'CONTROL_CHARACTERS' || code === 'INVALID_NAME'
              ? m.nameInvalid
              : `${m.signUpFailed}${code ?? res.status}`;
  const status = res.status === 429 ? 429 : res.status === 422 ? 422 : 400;
  return renderPage(c, m.signUp, <SignUpForm m={m} state={{ next, email: fields.email, name: fields.name, error }} />, status);
});

authPages.post('/sign-out', async (c) => {
  if (c.var.actor) forwardCookies(c, await callAuth(c, '/sign-out', {}));
  return c.redirect('/', 303);
});
