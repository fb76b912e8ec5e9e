/** Shared helpers for browser journeys (see the top of test/e2e/run.ts for how journeys are written). */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');
export const DEMO_PASSWORD = 'shanhai-demo-2026';

export type Viewport = { name: 'phone' | 'desktop'; width: number; height: number };
/** The two sizes every user's journey is proven at: a common phone and a laptop. */
export const VIEWPORTS: readonly Viewport[] = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];

export type JourneyContext = { browser: Browser; baseUrl: string; viewport: Viewport };
export type Journey = (context: JourneyContext) => Promise<void>;

/** The size the runner is running the current journey at (it sets this before each run). */
let current: Viewport = VIEWPORTS[0]!;
export function useViewport(viewport: Viewport): void {
  current = viewport;
}
export const currentViewport = (): Viewport => current;

/** A fresh context and page at the size the journey is running at (phone or desktop), Chinese like most visitors. */
export async function newPage(browser: Browser, options: { width?: number; height?: number; locale?: string } = {}): Promise<Page> {
  const context = await newContext(browser, options);
  return context.newPage();
}

export async function newContext(browser: Browser, options: { width?: number; height?: number; locale?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? current.width, height: options.height ?? current.height },
    locale: options.locale ?? 'zh-CN',
    deviceScaleFactor: 1,
    ...(current.name === 'phone' && options.width === undefined ? { isMobile: true, hasTouch: true } : {}),
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Saves a full-page screenshot as test-results/<name>-<viewport>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}-${current.name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Width the page would need beyond the viewport: 0 means nothing forces sideways scrolling. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Better Auth allows 5 sign-ins a minute per IP, and every request to `wrangler dev` comes from
 * 127.0.0.1: one bucket for the whole run. Every sign-in (page form or API) waits here for a slot, so
 * the journeys never trip the production limit (which stays as it is).
 */
const SIGN_INS_PER_WINDOW = 4;
const WINDOW_MS = 61_000;
// Better Auth's counter only resets after a full window with no sign-in at all (it compares with the
// last request, not the first), so pace as it counts: at most 4, then a window of silence.
let signInsInWindow = 0;
let lastSignIn = 0;
export async function signInSlot(): Promise<void> {
  if (Date.now() - lastSignIn > WINDOW_MS) signInsInWindow = 0;
  if (signInsInWindow >= SIGN_INS_PER_WINDOW) {
    const wait = lastSignIn + WINDOW_MS - Date.now() + 100;
    console.log(`      (waiting ${(wait / 1000).toFixed(0)} s for a sign-in slot: the limit is 5 per minute per IP)`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    signInsInWindow = 0;
  }
  signInsInWindow += 1;
  lastSignIn = Date.now();
}

type Session = { token: string; cookies: { name: string; value: string }[] };
const sessions = new Map<string, Session>();

/**
 * A demo account's session, signed in once per run through the auth API and reused by every later
 * journey and viewport (journeys must therefore not sign these sessions out). Returns the bearer token.
 */
async function sessionOf(baseUrl: string, email: string, password: string): Promise<Session> {
  const known = sessions.get(email);
  if (known) return known;
  await signInSlot();
  const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const token = res.headers.get('set-auth-token');
  if (res.status !== 200 || !token) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((line) => {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    return { name: pair!.slice(0, at).trim(), value: pair!.slice(at + 1).trim() };
  });
  const session = { token, cookies };
  sessions.set(email, session);
  return session;
}

/** A bearer token for the API calls a journey makes as `email` (a demo account by default password). */
export async function bearerToken(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  return (await sessionOf(baseUrl, email, password)).token;
}

/** Puts `email`'s session cookie into `context`, so its pages are seen signed in. */
export async function signInContext(context: BrowserContext, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  const session = await sessionOf(baseUrl, email, password);
  await context.addCookies(session.cookies.map((cookie) => ({ ...cookie, url: baseUrl })));
}

/** Signs in through the sign-in page's form, as a person would, and lands on `next`. */
export async function signInThroughPage(page: Page, baseUrl: string, email: string, next: string, password = DEMO_PASSWORD): Promise<void> {
  await signInSlot();
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname === next.split('?')[0]), page.locator('form[action="/sign-in"] button[type="submit"]').click()]);
}

// axe-core, for the journeys that check their own pages (WCAG 2.x A/AA; serious and critical only).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeNode = { target: string[]; html: string; failureSummary?: string };
type AxeViolation = { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] };

/** Runs axe on the page as it is and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') rightly blocks an injected inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function axeReport(label: string, violations: AxeViolation[]): string {
  return violations
    .map((v) => `${label}: [${v.impact}] ${v.id} — ${v.help} (${v.helpUrl})\n${v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ${n.html.slice(0, 160)}\n        ${(n.failureSummary ?? '').replace(/\n/g, '\n        ')}`).join('\n')}`)
    .join('\n');
}

