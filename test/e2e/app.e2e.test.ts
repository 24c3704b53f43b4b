import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttendanceEventRow, LiveAttendance, PushEvent } from '../../src/shared/ipc.js';
import cv from '../../src/main/engine/cv.js';
import { parseSource, VideoSource } from '../../src/main/engine/live/videoSource.js';
import { LiveLoopSource } from '../../src/main/services/liveLoopSource.js';
import { sharedPath } from '../support/sharedData.js';
import {
  appearsBeforeEnd,
  clockTime,
  e2eSkipReason,
  expectShown,
  imageSizes,
  nextLiveEnd,
  openTab,
  PANEL_ALERT,
  partOfDay,
  PIN,
  screenshot,
  setPinThroughUi,
  tableCells,
  useApp,
  useBrowser,
} from './e2eSupport.js';

/**
 * The app end to end in real Chromium: the built renderer, driven like a person would, talking
 * through the test bridge to the real backend (engine, live loop, SQLite) on the real faces in
 * ../shared/data. Every screen is saved to test/e2e/artifacts/ to be looked at.
 *
 * No wall-clock limits (the project's rule): Playwright's timeouts are off, and every wait ends on
 * a state the app reaches whether the flow succeeds or not, so a failure is an assertion, not a hang.
 */

const bbtPeople = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
/** Templates per person after importing bbt/people: 3 photos are refused (see people.test.ts). */
const bbtTemplates = [5, 5, 5, 4, 5, 5, 5, 3];

/** Writes the first frame of a clip as a JPEG: the still person A is enrolled from (as liveLoop.test.ts does). */
async function writeFirstFrame(clip: string, path: string): Promise<string> {
  const source = await VideoSource.open(parseSource(clip), { pacing: 'fast' });
  try {
    const frame = await source.read();
    if (!frame) throw new Error(`${clip} has no frames`);
    await cv.imwriteAsync(path, frame.bgr);
    frame.bgr.release();
    return path;
  } finally {
    await source.close();
  }
}

/** Waits for the answer to the next PIN try: the message, once its text is not `before`. */
async function nextPinMessage(page: Page, before: string | null): Promise<string> {
  const message = page.getByTestId('pin-message');
  await (before === null ? message : message.filter({ hasNotText: before })).waitFor();
  return message.innerText();
}

/** Where the PIN card is on screen, to see that a message coming or going moves nothing. */
async function pinCardBox(page: Page): Promise<{ x: number; y: number; width: number; height: number } | null> {
  return page.locator('.pin-gate-card').boundingBox();
}

/** The page is no wider than the window: nothing makes it scroll sideways. */
async function pageOverflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });
}

/** The computed CSS properties `names` of the element `locator` finds. */
async function computedStyle<Name extends string>(
  locator: Locator,
  names: readonly Name[],
): Promise<Record<Name, string>> {
  const values = await locator.evaluate((element, wanted) => {
    const page = globalThis as unknown as { getComputedStyle(element: unknown): Record<string, string> };
    const style = page.getComputedStyle(element);
    return wanted.map((name) => style[name] ?? '');
  }, names);
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? ''])) as Record<Name, string>;
}

/** Whether the kiosk's canvas has nothing drawn on it (every pixel transparent). */
async function canvasIsBlank(page: Page): Promise<boolean> {
  return page.getByTestId('live-preview').evaluate((element) => {
    const canvas = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return data.every((value) => value === 0);
  });
}

/** What the in-page functions use of the page's globals: this file is compiled for Node, without the DOM library. */
interface PageGlobals {
  readonly document: {
    readonly body: unknown;
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  };
  readonly MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  progressSeen?: number[];
}

describe.skipIf(e2eSkipReason !== null)(
  `the app in Chromium (${e2eSkipReason ?? 'real engine, live loop and SQLite behind the test bridge'})`,
  () => {
    const browser = useBrowser();

    describe('first run and the admin PIN', () => {
      const app = useApp(browser, { fakeClock: true });

      it('asks for a PIN on first run, and opens the admin screens once it is set', async () => {
        const { page, backend } = app();
        await page.getByTestId('kiosk-screen').waitFor();
        await page.getByTestId('open-admin').click();
        await page.getByTestId('set-pin-form').waitFor();
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Set the admin PIN');
        // By touch: the keypad.
        const keypad = page.getByRole('group', { name: 'Keypad' });
        for (const digit of PIN) await keypad.getByRole('button', { name: digit, exact: true }).click();
        expect(await page.getByLabel('Choose a PIN').inputValue()).toBe(PIN);
        await screenshot(page, 'pin-pad');
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByLabel('Type the same PIN again').fill(PIN);
        await page.getByRole('button', { name: 'Set PIN' }).click();

        await expectShown(page, '[role="tablist"]', '[data-testid="pin-message"]');
        expect(await page.getByRole('tab', { name: 'People', selected: true }).count()).toBe(1);
        expect(await page.getByTestId('people-table').locator('tbody tr').count()).toBe(0);
        expect(backend.auth.state()).toMatchObject({ pinSet: true, unlocked: true, failedAttempts: 0 });
        expect(app().pageErrors).toEqual([]);
      });

      it('locks, then says how many tries are left after each wrong PIN', async () => {
        const { page } = app();
        await page.getByTestId('lock-admin').click();
        await page.getByTestId('kiosk-screen').waitFor();
        await page.getByTestId('open-admin').click();
        const pin = page.getByLabel('Enter the admin PIN');
        await pin.waitFor();
        const card = await pinCardBox(page);
        const messages: string[] = [];
        for (const wrong of ['1111', '9999', '2469', '0000']) {
          await pin.fill(wrong);
          await pin.press('Enter');
          messages.push(await nextPinMessage(page, messages.at(-1) ?? null));
          // The field is cleared for the next try; the message took the line kept for it.
          expect(await pin.inputValue()).toBe('');
          expect(await pinCardBox(page)).toEqual(card);
          if (messages.length === 1) await screenshot(page, 'pin-wrong');
        }
        expect(messages).toEqual([
          'Wrong PIN: 4 tries left',
          'Wrong PIN: 3 tries left',
          'Wrong PIN: 2 tries left',
          'Wrong PIN: 1 try left',
        ]);
        expect(app().backend.auth.state()).toMatchObject({ unlocked: false, failedAttempts: 4, lockedUntil: null });
      });

      it('locks every attempt out for 30 s after the fifth wrong PIN, counting down, then takes the right PIN', async () => {
        const { page, backend } = app();
        const pin = page.getByLabel('Enter the admin PIN');
        const card = await pinCardBox(page);
        await pin.fill('1357');
        await pin.press('Enter');
        const countdown = page.getByTestId('lockout-countdown');
        // The countdown, or (were the fifth try not to lock) the next message.
        await countdown.or(page.getByTestId('pin-message').filter({ hasNotText: 'Wrong PIN: 1 try left' })).waitFor();
        expect(await countdown.innerText()).toMatch(/^Too many wrong PINs\. Try again in 0:(30|29)$/);
        // The countdown took the message's line: the card has not moved.
        expect(await pinCardBox(page)).toEqual(card);
        expect(await pin.isDisabled()).toBe(true);
        const unlock = page.getByRole('button', { name: 'Unlock' });
        expect(await unlock.isDisabled()).toBe(true);
        // Disabled looks disabled: dimmed, without the accent fill, and the pointer says no.
        const look = await computedStyle(unlock, ['opacity', 'cursor', 'backgroundColor']);
        expect(Number(look.opacity)).toBeLessThan(1);
        expect(look.cursor).toBe('not-allowed');
        expect(look.backgroundColor).not.toBe('rgb(92, 184, 255)');
        expect(
          await page
            .getByRole('group', { name: 'Keypad' })
            .getByRole('button', { name: '5', exact: true })
            .isDisabled(),
        ).toBe(true);
        await screenshot(page, 'lockout');
        // Main refuses even the right PIN meanwhile: the disabled pad is not the only guard.
        const refused = await backend.invoke('admin:unlock', { pin: PIN });
        expect(refused).toMatchObject({ ok: false, reason: 'locked-out' });
        expect(refused.ok ? '' : refused.message).toMatch(/^too many wrong PINs: try again in (30|29) s$/);

        // Ten seconds later the countdown says 0:20 (or 0:19 when the second turned meanwhile).
        await app().advanceClocks(10_000);
        await countdown.filter({ hasText: /in 0:([01]\d|20)$/ }).waitFor();
        expect(await countdown.innerText()).toMatch(/^Too many wrong PINs\. Try again in 0:(20|19)$/);

        // Past the 30 s main takes PINs again; the countdown ends, and the right PIN opens the admin.
        await app().advanceClocks(21_000);
        expect(backend.auth.state()).toMatchObject({ lockedUntil: null, failedAttempts: 5 });
        await countdown.waitFor({ state: 'detached' });
        expect(await pin.isDisabled()).toBe(false);
        // The refusal of the fifth try is not put back: the pad says it takes PINs again, in the same place.
        const again = page.getByTestId('pin-message');
        await again.waitFor();
        expect(await again.innerText()).toBe('You can try again.');
        expect(await again.getAttribute('role')).toBe('status');
        expect(await pinCardBox(page)).toEqual(card);
        await screenshot(page, 'lockout-over');
        await pin.fill(PIN);
        await pin.press('Enter');
        await expectShown(
          page,
          '[role="tablist"]',
          page.getByTestId('pin-message').filter({ hasNotText: 'You can try again.' }),
        );
        expect(backend.auth.state()).toMatchObject({ unlocked: true, failedAttempts: 0, lockedUntil: null });
        expect(app().pageErrors).toEqual([]);
      });
    });

    describe('importing the bbt people, settings, calibration and the embedding map', () => {
      const app = useApp(browser);

      it('imports a folder through the folder dialog with a progress bar and a result per photo', async () => {
        const { page, answers } = app();
        await setPinThroughUi(page, PIN);
        await openTab(page, 'Enrol');
        answers.openFolder = sharedPath('bbt', 'people');
        // Every value the progress bar shows, as the page draws it.
        await page.evaluate(() => {
          const dom = globalThis as unknown as PageGlobals;
          const seen: number[] = [];
          dom.progressSeen = seen;
          new dom.MutationObserver(() => {
            const bar = dom.document.querySelector('[data-testid="import-progress"]');
            const done = Number(bar?.getAttribute('aria-valuenow'));
            if (bar && seen.at(-1) !== done) seen.push(done);
          }).observe(dom.document.body, { subtree: true, childList: true, attributes: true });
        });
        await page.getByRole('button', { name: 'Import a folder…' }).click();

        // Caught mid-way (or, on a very fast machine, already done: then the assertions below say so).
        await page.waitForFunction(() => {
          const dom = globalThis as unknown as PageGlobals;
          const over = '[data-testid="import-run"] :is([data-testid="import-summary"], [role="alert"])';
          return (dom.progressSeen?.at(-1) ?? 0) >= 10 || dom.document.querySelector(over) !== null;
        });
        await screenshot(page, 'import-progress');
        await expectShown(page, '[data-testid="import-summary"]', '[data-testid="import-run"] [role="alert"]');

        const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).progressSeen ?? []);
        expect(seen.some((done) => done > 0 && done < 40)).toBe(true);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(await page.getByTestId('import-summary').innerText()).toBe('37 of 40 photos enrolled for 8 people.');
        // The bar is gone once the import is over; every photo has its line.
        expect(await page.getByTestId('import-progress').count()).toBe(0);
        const rows = await tableCells(page, 'import-results');
        expect(rows).toHaveLength(40);
        expect(rows[0]).toEqual(['amy', 'amy1.png', 'Enrolled']);
        // The photo's name once, in its column (the whole path in its tooltip); the reason without the path.
        expect(rows.filter(([, , result]) => result !== 'Enrolled')).toEqual([
          ['leonard', 'leonard5.png', 'No face found'],
          ['stuart', 'stuart4.png', 'No face found'],
          ['stuart', 'stuart5.png', expect.stringMatching(/^Face too small: eyes 4\.0 px apart/)],
        ]);
        expect(await page.getByRole('cell', { name: 'leonard5.png' }).getAttribute('title')).toBe(
          sharedPath('bbt', 'people', 'leonard', 'leonard5.png'),
        );
        expect(await page.getByTestId('import-result').and(page.locator('[data-ok="false"]')).count()).toBe(3);
        // The long reasons wrap inside the card: the table is no wider than it, the page no wider than the window.
        const card = await page.getByRole('region', { name: 'Enrol from photos' }).boundingBox();
        const table = await page.getByTestId('import-results').boundingBox();
        expect(table && card && table.x + table.width <= card.x + card.width).toBe(true);
        expect(await pageOverflowsSideways(page)).toBe(false);
        await screenshot(page, 'import-results');
        expect(app().pageErrors).toEqual([]);
      });

      it('lists the 8 people with their face thumbnails and template counts', async () => {
        const { page } = app();
        await openTab(page, 'People');
        await expectShown(page, '[data-testid="person-row"]', PANEL_ALERT);
        const rows = await tableCells(page, 'people-table');
        expect(rows.map(([, name, code, templates, lastSeen]) => [name, code, Number(templates), lastSeen])).toEqual(
          bbtPeople.map((name, index) => [name, '—', bbtTemplates[index], 'never']),
        );
        // Every thumbnail is a loaded 96x96 JPEG of the face.
        const thumbnails = await imageSizes(page.getByTestId('people-table').locator('img.thumbnail'));
        expect(thumbnails).toEqual(bbtPeople.map((name) => [`Face of ${name}`, 96, 96]));
        await screenshot(page, 'people');
      });

      it('computes the calibration histograms and thresholds from the gallery, and applies the best-F1 threshold', async () => {
        const { page, backend } = app();
        await openTab(page, 'Calibration');
        await page.getByRole('button', { name: 'Compute' }).click();
        await expectShown(page, '[data-testid="calibration-histogram"]', PANEL_ALERT);
        expect(await page.getByText(/same-person pairs and/).innerText()).toBe(
          '8 people, 37 templates: 69 same-person pairs and 597 different-person pairs.',
        );
        // Both distributions are drawn: same-person distances in 6 bins, different people in 9 (see calibration.test.ts).
        const drawnBins = (series: string) =>
          page
            .getByTestId(series)
            .evaluateAll((bars) => bars.filter((bar) => Number(bar.getAttribute('height')) > 0).length);
        expect(await drawnBins('histogram-genuine')).toBe(6);
        expect(await drawnBins('histogram-impostor')).toBe(9);
        const marks = await page
          .getByTestId('threshold-mark')
          .evaluateAll((groups) => groups.map((group) => group.textContent ?? ''));
        expect(marks).toEqual([
          'now 0.600',
          expect.stringMatching(/^best F1 0\.5\d\d$/),
          expect.stringMatching(/^FAR 0\.001 \d\.\d{3}$/),
        ]);
        // The labels each in a row of their own: none covers another, no line crosses one.
        const overlaps = await page.getByTestId('threshold-mark').evaluateAll((groups) => {
          type Rect = { left: number; right: number; top: number; bottom: number };
          type Drawn = { getBoundingClientRect(): Rect };
          const boxes = (selector: string) =>
            groups.map((group) => (group.querySelector(selector) as unknown as Drawn).getBoundingClientRect());
          const labels = boxes('text');
          const lines = boxes('line');
          const meet = (a: Rect, b: Rect) =>
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          return labels.flatMap((label, i) => [
            ...labels.flatMap((other, j) => (j > i && meet(label, other) ? [`label ${i} on label ${j}`] : [])),
            ...lines.flatMap((line, j) => (meet(label, line) ? [`line ${j} across label ${i}`] : [])),
          ]);
        });
        expect(overlaps).toEqual([]);
        // Round ticks, and the chart as wide as the panel.
        expect(await page.getByTestId('histogram-tick').allTextContents()).toEqual([
          '0',
          '0.25',
          '0.5',
          '0.75',
          '1',
          '1.25',
          '1.5',
        ]);
        const chartWidth = (await page.getByTestId('calibration-histogram').boundingBox())?.width ?? 0;
        const panelWidth = (await page.locator('.threshold-cards').boundingBox())?.width ?? NaN;
        expect(Math.abs(chartWidth - panelWidth)).toBeLessThan(2);
        const bestF1 = await page.getByTestId('calibration-best-f1').getByRole('heading').innerText();
        expect(bestF1).toMatch(/^Best F1: 0\.5\d\d$/);
        expect(await page.getByTestId('calibration-best-f1').innerText()).toContain(
          'F1 1.000 — precision 1.000, recall 1.000',
        );
        await screenshot(page, 'calibration');

        const threshold = bestF1.slice('Best F1: '.length);
        await page.getByRole('button', { name: `Use ${threshold}` }).click();
        await expectShown(page, '[data-testid="calibration-applied"]', PANEL_ALERT);
        expect(await page.getByTestId('calibration-applied').innerText()).toBe(
          `The match threshold is now ${threshold}; it applies at once.`,
        );
        // Stored as shown, to 3 decimals: the report's distance to the last bit would be 0.5708663731031314.
        expect(backend.engine.config.matchThreshold).toBe(Number(threshold));
        expect(backend.settings.get().matchThreshold).toBe(Number(threshold));
        expect(app().pageErrors).toEqual([]);
      });

      it('shows the stored settings and saves a change', async () => {
        const { page, backend } = app();
        await openTab(page, 'Settings');
        const form = page.getByTestId('settings-form');
        await form.waitFor();
        const threshold = backend.settings.get().matchThreshold;
        expect(await form.getByLabel('Match threshold').inputValue()).toMatch(/^0\.5\d{0,2}$/);
        expect(await form.getByLabel('Match threshold').inputValue()).toBe(String(threshold));
        expect(await form.getByLabel('Camera').inputValue()).toBe('0');
        expect(await form.getByLabel('Face detector').inputValue()).toBe('ssd');
        expect(await form.getByLabel('Attendance day starts at').inputValue()).toBe('04:00');
        expect(await form.getByLabel('Cooldown (minutes)').inputValue()).toBe('5');
        await form.getByLabel('Cooldown (minutes)').fill('2');
        await form.getByRole('button', { name: 'Save settings' }).click();
        await expectShown(page, '[data-testid="settings-saved"]', PANEL_ALERT);
        expect(backend.settings.get()).toMatchObject({ cooldownMinutes: 2, matchThreshold: threshold });
        expect(await page.getByTestId('settings-form').getByLabel('Cooldown (minutes)').inputValue()).toBe('2');
        await screenshot(page, 'settings');
        expect(app().pageErrors).toEqual([]);
      });

      it('maps every template, one dot each, coloured by person, with no outliers in bbt', async () => {
        const { page } = app();
        await openTab(page, 'Embedding map');
        await page.getByRole('button', { name: 'Compute' }).click();
        await expectShown(page, '[data-testid="embedding-map"]', PANEL_ALERT);
        const points = await page
          .getByTestId('map-point')
          .evaluateAll((groups) => groups.map((group) => group.getAttribute('data-person-id')));
        expect(points).toHaveLength(37);
        expect(new Set(points).size).toBe(8);
        const legend = await page
          .getByTestId('map-legend')
          .locator('li')
          .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
        expect(legend).toEqual(bbtPeople.map((name, index) => `${name} (${bbtTemplates[index]})`));
        expect(await page.getByText('None: every template is nearest to its own person.').count()).toBe(1);
        // Each person's dots share one colour, and no two people share one.
        const colours = await page
          .getByTestId('map-point')
          .evaluateAll((groups) =>
            groups.map((group) => [
              group.getAttribute('data-person-id'),
              group.querySelector('circle')?.getAttribute('fill'),
            ]),
          );
        const colourOf = new Map(colours.map(([person, colour]) => [person, colour]));
        expect(colours.every(([person, colour]) => colourOf.get(person) === colour)).toBe(true);
        expect(new Set(colourOf.values()).size).toBe(8);
        await screenshot(page, 'embedding-map');
        expect(app().pageErrors).toEqual([]);
      });
    });

    describe('the kiosk on the talking-head clips, then attendance and its CSV', () => {
      const app = useApp(browser);
      const clipA = sharedPath('video', 'talking-head-a.mp4');
      const clipB = sharedPath('video', 'talking-head-b.mp4');
      /** Every push the backend sent to the page. */
      const pushes: PushEvent[] = [];
      let live: LiveLoopSource;
      beforeAll(() => {
        app().backend.onPush((event) => pushes.push(event));
        // As a camera delivers: in real time, the loop taking the newest frame when it is ready.
        live = new LiveLoopSource(app().backend.engine);
      });
      const checkIns = () =>
        pushes.flatMap((push) => (push.channel === 'live:attendance' && !push.payload.already ? [push.payload] : []));
      /** The kiosk's check-in of A as the database holds it. */
      const storedCheckIn = () => {
        const day = checkIns()[0]?.attendanceDate ?? '';
        const events = app().backend.attendance.query({ from: day, to: day });
        expect(events).toHaveLength(1);
        return events[0] as AttendanceEventRow;
      };

      it('enrols A from a still of talking-head-a through the photo dialog', async () => {
        const { page, answers, dir } = app();
        answers.openImages = [await writeFirstFrame(clipA, join(dir, 'talking-head-a-still.jpg'))];
        await setPinThroughUi(page, PIN);
        await openTab(page, 'Enrol');
        const photos = page.getByRole('region', { name: 'Enrol from photos' });
        await photos.getByLabel('Name').fill('A');
        await photos.getByRole('button', { name: 'Choose photos…' }).click();
        await expectShown(page, '[data-testid="import-summary"]', '[data-testid="import-run"] [role="alert"]');
        expect(await page.getByTestId('import-summary').innerText()).toBe('1 of 1 photo enrolled for A.');
        expect(await tableCells(page, 'import-results')).toEqual([['A', 'talking-head-a-still.jpg', 'Enrolled']]);
        await screenshot(page, 'enrol');
        expect(
          app()
            .backend.people.list()
            .map((person) => [person.name, person.templateCount]),
        ).toEqual([['A', 1]]);
        expect(app().pageErrors).toEqual([]);
      });

      it('greets A by name on talking-head-a, and says so when the video ends', async () => {
        const { page, backend } = app();
        // The admin points the camera at the clip; the live loop starts on it once plugged in.
        await openTab(page, 'Settings');
        await page.getByTestId('settings-form').getByLabel('Camera').fill(clipA);
        await page.getByRole('button', { name: 'Save settings' }).click();
        await expectShown(page, '[data-testid="settings-saved"]', PANEL_ALERT);
        expect(backend.settings.get().cameraSource).toBe(clipA);
        await page.getByTestId('lock-admin').click();
        await page.getByTestId('kiosk-screen').waitFor();
        const ended = nextLiveEnd(backend);
        await backend.attachLive(live);

        const greeting = page.getByTestId('kiosk-greeting').and(page.locator('[data-kind="in"]'));
        expect(await appearsBeforeEnd(greeting, ended)).toBe(true);
        // The canvas shows the picture with her box labelled by name.
        expect(await appearsBeforeEnd(page.locator('[data-testid="live-preview"][data-faces="A"]'), ended)).toBe(true);
        await screenshot(page, 'kiosk-greeting');
        const [checkIn] = checkIns();
        expect(checkIn).toMatchObject({ name: 'A', kind: 'in', already: false });
        const at = (checkIn as LiveAttendance).at;
        expect(await greeting.locator('.greeting-headline').innerText()).toBe(`Good ${partOfDay(at)}, A`);
        expect(await greeting.locator('.greeting-detail').innerText()).toBe(`checked in ${clockTime(at)}`);
        expect(await page.getByTestId('unknown-hint').count()).toBe(0);
        const canvas = await page.getByTestId('live-preview').evaluate((element) => {
          const canvas = element as unknown as { width: number; height: number };
          return [canvas.width, canvas.height];
        });
        expect(canvas).toEqual([512, 480]);
        // The whole picture is shown: the canvas covers the stage and fits (object-fit: contain) its 512x480 into it.
        const stage = await page.locator('.kiosk-stage').boundingBox();
        const drawn = await page.getByTestId('live-preview').boundingBox();
        expect(drawn).toEqual(stage);
        const { objectFit } = await computedStyle(page.getByTestId('live-preview'), ['objectFit']);
        expect(objectFit).toBe('contain');

        await ended;
        const banner = page.locator('[data-testid="status-banner"][data-state="ended"]');
        await banner.waitFor();
        expect(await banner.innerText()).toBe('The video has ended\nEnd of file after 587 frames');
        // No preview follows the end (not even one still being encoded then), and the picture stays down.
        const endedAt = pushes.findLastIndex(
          (push) => push.channel === 'live:status' && push.payload.state === 'ended',
        );
        expect(pushes.slice(endedAt).filter((push) => push.channel === 'live:frame')).toEqual([]);
        expect(await page.getByTestId('live-preview').getAttribute('data-sequence')).toBeNull();
        expect(await canvasIsBlank(page)).toBe(true);
        await screenshot(page, 'kiosk-ended');
        // She was checked in once; every later recognition only said "already".
        expect(checkIns()).toHaveLength(1);
        expect(app().pageErrors).toEqual([]);
      });

      it('tells the person on talking-head-b that she is not recognised, and records nothing for her', async () => {
        const { page, backend } = app();
        const before = pushes.length;
        // Another camera: the kiosk stays on screen while the source changes under it.
        backend.settings.set({ cameraSource: clipB });
        const ended = nextLiveEnd(backend);
        await backend.attachLive(live);

        const hint = page.getByTestId('unknown-hint');
        expect(await appearsBeforeEnd(hint, ended)).toBe(true);
        expect(await appearsBeforeEnd(page.locator('[data-testid="live-preview"][data-faces="unknown"]'), ended)).toBe(
          true,
        );
        await screenshot(page, 'kiosk-unknown');
        expect(await hint.innerText()).toBe('Face not recognised — please see the administrator');
        // The hint runs along the stage's bottom edge, below the face it is about.
        const unknownFace = pushes.findLast((push) => push.channel === 'live:unknown')?.payload.box;
        expect(unknownFace).toBeTruthy();
        const faceBottom = await page.getByTestId('live-preview').evaluate(
          (element, box) => {
            const canvas = element as unknown as {
              width: number;
              height: number;
              getBoundingClientRect(): { top: number; width: number; height: number };
            };
            const rect = canvas.getBoundingClientRect();
            const scale = Math.min(rect.width / canvas.width, rect.height / canvas.height);
            return rect.top + (rect.height - canvas.height * scale) / 2 + (box.y + box.height) * scale;
          },
          unknownFace as { y: number; height: number },
        );
        const hintBox = await hint.boundingBox();
        const stageBox = await page.locator('.kiosk-stage').boundingBox();
        expect(hintBox && hintBox.y >= faceBottom).toBe(true);
        expect(
          hintBox && stageBox && Math.abs(hintBox.y + hintBox.height - (stageBox.y + stageBox.height)),
        ).toBeLessThan(1);
        await ended;
        await page.locator('[data-testid="status-banner"][data-state="ended"]').waitFor();
        expect(await page.getByTestId('status-banner').innerText()).toBe(
          'The video has ended\nEnd of file after 216 frames',
        );
        const during = pushes.slice(before).map((push) => push.channel);
        expect(during).toContain('live:unknown');
        expect(during).not.toContain('live:identified');
        expect(during).not.toContain('live:attendance');
        expect(await page.getByTestId('kiosk-greeting').count()).toBe(0);
        expect(app().pageErrors).toEqual([]);
      });

      it('lists the check-in in the attendance table, chart and day summary', async () => {
        const { page } = app();
        const checkIn = checkIns()[0] as LiveAttendance;
        const stored = storedCheckIn();
        expect(stored).toMatchObject({ personName: 'A', kind: 'in', source: 'kiosk', occurredAt: checkIn.at });
        const day = stored.attendanceDate;

        await page.getByTestId('open-admin').click();
        await page.getByLabel('Enter the admin PIN').fill(PIN);
        await page.getByLabel('Enter the admin PIN').press('Enter');
        await expectShown(page, '[role="tablist"]', '[data-testid="pin-message"]');
        // The admin opens on the section it was left on; A was seen by the kiosk since.
        expect(await page.getByRole('tab', { name: 'Settings', selected: true }).count()).toBe(1);
        await openTab(page, 'People');
        await expectShown(page, '[data-testid="person-row"]', PANEL_ALERT);
        expect((await tableCells(page, 'people-table'))[0]?.slice(1, 5)).toEqual([
          'A',
          '—',
          '1',
          `${day} ${clockTime(checkIn.at)}`,
        ]);

        await openTab(page, 'Attendance');
        await expectShown(page, '[data-testid="attendance-row"]', PANEL_ALERT);
        expect(await tableCells(page, 'attendance-events')).toEqual([
          [`${day} ${clockTime(checkIn.at)}`, day, 'A', 'Check-in', (stored.distance ?? NaN).toFixed(3), 'kiosk'],
        ]);
        expect(stored.distance).toBeLessThan(0.3);
        const bars = await page
          .getByTestId('chart-bar')
          .evaluateAll((rects) =>
            rects.map((rect) => [rect.getAttribute('data-date'), rect.getAttribute('data-count')]),
          );
        expect(bars).toHaveLength(7);
        expect(bars.filter(([, count]) => count !== '0')).toEqual([[day, '1']]);
        expect(await page.getByTestId('checkins-chart').getAttribute('aria-label')).toBe(
          'Check-ins per day: 1 over 7 days, at most 1 a day',
        );
        expect(await tableCells(page, 'day-summary')).toEqual([[day, 'A', '—', clockTime(checkIn.at), '—', '—']]);
        // Dates as the app writes them everywhere (not the locale's 11/16/2026), and the chart across the panel.
        expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(day);
        expect(await page.getByLabel('From', { exact: true }).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const chartWidth = (await page.getByTestId('checkins-chart').boundingBox())?.width ?? 0;
        const tableWidth = (await page.getByTestId('day-summary').boundingBox())?.width ?? NaN;
        expect(Math.abs(chartWidth - tableWidth)).toBeLessThan(2);
        await screenshot(page, 'attendance');
        expect(app().pageErrors).toEqual([]);
      });

      it('exports the attendance as CSV to the path the save dialog chose', async () => {
        const { page, answers, dir } = app();
        const stored = storedCheckIn();
        const day = stored.attendanceDate;
        const time = clockTime(stored.occurredAt);

        answers.saveCsv = join(dir, 'attendance.csv');
        await page.getByTestId('export-csv').click();
        const outcome = page.getByTestId('attendance-outcome');
        await expectShown(page, '[data-testid="attendance-outcome"][role="status"]', PANEL_ALERT);
        const summary = `Date,Name,Employee code,First in,Last out,Total\r\n${day},A,,${time},,\r\n`;
        expect(readFileSync(answers.saveCsv, 'utf8')).toBe(summary);
        expect(await outcome.innerText()).toBe(`Saved 1 row (${Buffer.byteLength(summary)} B) to ${answers.saveCsv}.`);

        // One row per event: the time to the second, the match distance and what recorded it.
        answers.saveCsv = join(dir, 'attendance-events.csv');
        await page.getByLabel('One row per event (instead of one per person per day)').check();
        await page.getByTestId('export-csv').click();
        await expectShown(
          page,
          `[data-testid="attendance-outcome"]:has-text("attendance-events.csv")`,
          '[data-testid="attendance-outcome"][role="alert"]',
        );
        const [header, row, end] = readFileSync(answers.saveCsv, 'utf8').split('\r\n');
        expect(header).toBe('Date,Time,Name,Employee code,Kind,Distance,Source');
        const seconds = String(new Date(stored.occurredAt).getSeconds()).padStart(2, '0');
        expect(row).toBe(`${day},${time}:${seconds},A,,in,${stored.distance?.toFixed(4)},kiosk`);
        expect(end).toBe('');
        expect(app().pageErrors).toEqual([]);
      });
    });
  },
);
