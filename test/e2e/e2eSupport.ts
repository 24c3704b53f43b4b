import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { modelsDir } from '../../src/main/cli/cliTestSupport.js';
import { AppBackend } from '../../src/main/services/appBackend.js';
import { hasSharedData, sharedDataSkipReason } from '../support/sharedData.js';
import { DEFAULT_RENDERER_DIR, scriptedDialogs, startBridge, type DialogAnswers, type TestBridge } from './bridge.js';

/**
 * What the browser end-to-end suites share: Debian's Chromium driven by playwright-core, a fresh
 * backend, bridge and page per describe block, and the waits that end on a state the app reaches
 * whether a step succeeds or not (the project allows no wall-clock limits, so Playwright's
 * timeouts are off and a failed step must show up as an assertion rather than a hang).
 */

export const CHROMIUM = '/usr/bin/chromium';
export const artifactsDir = join(import.meta.dirname, 'artifacts');
export const PIN = '2468';
const rendererIndex = join(DEFAULT_RENDERER_DIR, 'index.html');

/** Why the browser suites cannot run here, or null when they can. */
export const e2eSkipReason = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(rendererIndex)
    ? `the built renderer ${rendererIndex} is missing (npx electron-vite build)`
    : !hasSharedData
      ? sharedDataSkipReason
      : null;

/** Launches headless Chromium for the enclosing describe block and closes it after. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
}

export interface OpenApp {
  readonly dir: string;
  readonly backend: AppBackend;
  readonly answers: DialogAnswers;
  readonly page: Page;
  /** What the page reported as errors (uncaught exceptions, console errors). */
  readonly pageErrors: readonly string[];
  /** Moves the backend's clock and the page's (Playwright's fake clock) forward together. */
  advanceClocks(ms: number): Promise<void>;
}

/**
 * A fresh database, backend, bridge and page for one describe block. With `fakeClock`, the page
 * runs on Playwright's clock, so a lockout can be waited out without waiting.
 */
export function useApp(browser: () => Browser, options: { readonly fakeClock?: boolean } = {}): () => OpenApp {
  let dir: string | undefined;
  let backend: AppBackend | undefined;
  let bridge: TestBridge | undefined;
  let context: BrowserContext | undefined;
  let app: OpenApp | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-e2e-'));
    let skewMs = 0;
    const { dialogs, answers } = scriptedDialogs();
    backend = await AppBackend.open({
      modelsDir,
      dbPath: join(dir, 'clockface.db'),
      version: 'e2e',
      dialogs,
      now: () => Date.now() + skewMs,
    });
    bridge = await startBridge({ backend });
    context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
    if (options.fakeClock) await context.clock.install();
    await context.addInitScript({ content: bridge.clientScript });
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // Chromium asks for a favicon the renderer does not have; that 404 is not the app's.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
        pageErrors.push(message.text());
      }
    });
    await page.goto(bridge.url);
    app = {
      dir,
      backend,
      answers,
      page,
      pageErrors,
      advanceClocks: async (ms) => {
        skewMs += ms;
        await page.clock.fastForward(ms);
      },
    };
  });
  afterAll(async () => {
    await context?.close();
    await bridge?.close();
    await backend?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!app) throw new Error('the app is opened in beforeAll');
    return app;
  };
}

/** "08:59", as the kiosk and the CSV show a time. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** "Good morning": the kiosk's greeting for the hour of `at`. */
export function partOfDay(at: number): string {
  const hour = new Date(at).getHours();
  return hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

/** Saves the page as test/e2e/artifacts/<name>.png (CSS transitions finished, so fades are at their end). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** An error the admin panel shows: what a step that went wrong ends on. */
export const PANEL_ALERT = '.admin-panel [role="alert"]';

/**
 * Waits for `wanted` or for `failure` (what the app shows when the step went wrong), then asserts
 * it was `wanted`: without timeouts (see above), this is what keeps a failed step from hanging.
 */
export async function expectShown(page: Page, wanted: string | Locator, failure: string | Locator): Promise<void> {
  const shown = typeof wanted === 'string' ? page.locator(wanted) : wanted;
  const failed = typeof failure === 'string' ? page.locator(failure) : failure;
  await shown.or(failed).first().waitFor();
  expect(await failed.allInnerTexts(), `shown instead of ${String(wanted)}`).toEqual([]);
}

/**
 * Resolves at the next 'ended' status the live source reports: the clip's end, or a source it
 * cannot open. With `exceptStopped`, a source the app stopped to open another does not count.
 */
export function nextLiveEnd(backend: AppBackend, options: { readonly exceptStopped?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const stop = backend.onPush((event) => {
      if (event.channel !== 'live:status' || event.payload.state !== 'ended') return;
      if (options.exceptStopped && event.payload.detail === 'stopped') return;
      stop();
      resolve();
    });
  });
}

/** True when `locator` appears before the live source ends; a kiosk that never reacts fails instead of hanging. */
export function appearsBeforeEnd(locator: Locator, ended: Promise<void>): Promise<boolean> {
  const appeared = locator.waitFor().then(
    () => true,
    () => false,
  );
  return Promise.race([appeared, ended.then(() => false)]);
}

/** First run: Admin → choose the PIN → confirm it; ends on the unlocked admin screens. */
export async function setPinThroughUi(page: Page, pin: string): Promise<void> {
  await page.getByTestId('open-admin').click();
  await page.getByLabel('Choose a PIN').fill(pin);
  await page.getByLabel('Choose a PIN').press('Enter');
  await page.getByLabel('Type the same PIN again').fill(pin);
  await page.getByLabel('Type the same PIN again').press('Enter');
  await expectShown(page, '[role="tablist"]', '[data-testid="pin-message"]');
}

export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.getByRole('tab', { name, exact: true, selected: true }).waitFor();
}

/** The cells of every body row of a table, as text. */
export function tableCells(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim())));
}

/** The DOM of an <img> as the in-page functions use it: this file is compiled for Node, without the DOM library. */
interface PageImage {
  readonly alt: string;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  decode(): Promise<void>;
}

/** Every image in `scope` as [alt, natural width, natural height], once decoded: one that cannot be shows 0x0. */
export function imageSizes(scope: Locator): Promise<[string, number, number][]> {
  return scope.evaluateAll(async (elements) => {
    const images = elements as unknown as PageImage[];
    await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
    return images.map((image): [string, number, number] => [image.alt, image.naturalWidth, image.naturalHeight]);
  });
}
