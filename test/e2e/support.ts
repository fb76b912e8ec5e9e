/** Shared helpers for browser journeys (see the top of test/e2e/run.ts for how journeys are written). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

export type JourneyContext = { browser: Browser; baseUrl: string };

export type Viewport = { name: 'phone' | 'desktop'; width: number; height: number };
/** The two sizes every user's journey is proven at: a common phone and a laptop. */
export const VIEWPORTS: readonly Viewport[] = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];
export type Journey = (context: JourneyContext) => Promise<void>;

/** A fresh context and page the size of a small phone (360 px wide), Chinese like most visitors. */
export async function newPage(browser: Browser, options: { width?: number; locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 360, height: 780 },
    locale: options.locale ?? 'zh-CN',
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Width the page would need beyond the viewport: 0 means nothing forces sideways scrolling. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
