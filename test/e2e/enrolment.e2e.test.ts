import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  EnrolCaptureShotResponse,
  InvokeChannel,
  InvokeResponse,
  LiveAttendance,
  PushEvent,
} from '../../src/shared/ipc.js';
import cv from '../../src/main/engine/cv.js';
import type { AppBackend } from '../../src/main/services/appBackend.js';
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
 * Enrolment and the People screen end to end in Chromium, against the real backend: the guided
 * five-shot capture from the live camera (a video file standing in for it), then renaming and
 * deleting people enrolled from the bbt photos. Screens are saved to test/e2e/artifacts/.
 */

const clipA = sharedPath('video', 'talking-head-a.mp4');
/** The wall clip's frame size and length: 30 s at 10 fps, longer than the steps that look at it. */
const WALL = { width: 512, height: 480, fps: 10, frames: 300 } as const;

/** What the capture screen calls each shot, and what it asks the person to do for it, in order. */
const SHOTS = [
  { label: 'straight', instruction: 'Look straight at the camera' },
  { label: 'a little left', instruction: 'Turn your head a little to the left' },
  { label: 'a little right', instruction: 'Turn your head a little to the right' },
  { label: 'a little up', instruction: 'Tilt your head a little up' },
  { label: 'a little down', instruction: 'Tilt your head a little down' },
] as const;

/**
 * Films a camera pointed at a bare wall (plaster with a light switch, no one in front of it) as
 * an MJPEG AVI: the live source for a shot with no face in it.
 */
function writeWallClip(path: string): string {
  const writer = new cv.VideoWriter(
    path,
    cv.VideoWriter.fourcc('MJPG'),
    WALL.fps,
    new cv.Size(WALL.width, WALL.height),
  );
  const wall = new cv.Mat(WALL.height, WALL.width, cv.CV_8UC3, [196, 212, 222]);
  wall.drawRectangle(new cv.Point2(400, 200), new cv.Point2(440, 260), new cv.Vec3(236, 240, 242), -1);
  wall.drawRectangle(new cv.Point2(400, 200), new cv.Point2(440, 260), new cv.Vec3(150, 160, 168), 2);
  for (let frame = 0; frame < WALL.frames; frame += 1) writer.write(wall);
  writer.release();
  return path;
}

/**
 * Resolves with the real backend's answer to the next 'enrol-capture:shot' the page sends: the
 * test listens on `invoke` (the bridge's way in) and passes every call through unchanged. This
 * is what says a shot was answered, even when the screen looks the same as before (a refused
 * shot refused again).
 */
function nextShotAnswer(backend: AppBackend): Promise<EnrolCaptureShotResponse> {
  const invoke = backend.invoke;
  return new Promise((resolve, reject) => {
    backend.invoke = <C extends InvokeChannel>(channel: C, raw: unknown): Promise<InvokeResponse<C>> => {
      const answer = invoke.call(backend, channel, raw);
      if (channel === 'enrol-capture:shot') {
        backend.invoke = invoke;
        (answer as Promise<EnrolCaptureShotResponse>).then(resolve, reject);
      }
      return answer;
    };
  });
}

/** The capture screen's view of one shot: its dot, by the label the screen gives it. */
function shotDot(capture: Locator, label: string): Locator {
  return capture.getByRole('button', { name: new RegExp(`^Shot ${label}: `) });
}

/** The aria-label of every shot dot, in order: "Shot straight: accepted". */
function dotStates(capture: Locator): Promise<(string | null)[]> {
  return capture
    .getByTestId('capture-dots')
    .getByRole('button')
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
}

/**
 * Presses "Take the shot" and waits until the screen shows main's answer (the button is no longer
 * "Checking…", the dot says accepted or rejected); returns the answer.
 */
async function takeShot(backend: AppBackend, capture: Locator, label: string): Promise<EnrolCaptureShotResponse> {
  const answered = nextShotAnswer(backend);
  await capture.getByRole('button', { name: 'Take the shot' }).click();
  const answer = await answered;
  const state = answer.accepted ? 'accepted' : 'rejected';
  await capture.getByRole('button', { name: `Shot ${label}: ${state}` }).waitFor();
  await capture.getByRole('button', { name: 'Take the shot' }).waitFor();
  return answer;
}

describe.skipIf(e2eSkipReason !== null)(
  `enrolment and the People screen in Chromium (${e2eSkipReason ?? 'real engine, live loop and SQLite behind the test bridge'})`,
  () => {
    const browser = useBrowser();

    describe('guided enrolment from the live camera, then the kiosk greets the person', () => {
      const app = useApp(browser);
      /** Every push the backend sent to the page. */
      const pushes: PushEvent[] = [];
      let live: LiveLoopSource;
      let wallClip: string;
      beforeAll(() => {
        const { backend, dir } = app();
        backend.onPush((event) => pushes.push(event));
        // As a camera delivers: in real time, the loop taking the newest frame when it is ready.
        live = new LiveLoopSource(backend.engine);
        wallClip = writeWallClip(join(dir, 'wall.avi'));
      });
      const capture = () => app().page.getByTestId('guided-capture');
      const feedback = () => capture().getByTestId('capture-feedback');
      /** A call that failed outright: the capture's own error line, not a shot's feedback. */
      const captureError = '.guided-capture p.error[role="alert"]';
      const checkIns = () =>
        pushes.flatMap((push) => (push.channel === 'live:attendance' && !push.payload.already ? [push.payload] : []));

      it('refuses a shot of a bare wall, saying no face was found, and keeps nothing', async () => {
        const { page, backend } = app();
        await setPinThroughUi(page, PIN);
        // The admin points the camera at the wall: through Settings, as the admin would.
        await openTab(page, 'Settings');
        await page.getByTestId('settings-form').getByLabel('Camera').fill(wallClip);
        await page.getByRole('button', { name: 'Save settings' }).click();
        await expectShown(page, '[data-testid="settings-saved"]', PANEL_ALERT);
        const ended = nextLiveEnd(backend);
        await backend.attachLive(live);

        await openTab(page, 'Enrol');
        const form = page.getByRole('region', { name: 'Enrol from the camera' });
        await form.getByLabel('Name').fill('Dana');
        await form.getByLabel('Employee code (optional)').fill('E-042');
        await form.getByRole('button', { name: 'Start the camera enrolment' }).click();
        await expectShown(page, '[data-testid="guided-capture"]', PANEL_ALERT);
        expect(await capture().getByRole('heading').innerText()).toBe('Enrolling Dana');
        expect(await capture().getByTestId('capture-prompt').innerText()).toBe('Look straight at the camera');
        expect(await dotStates(capture())).toEqual(SHOTS.map(({ label }) => `Shot ${label}: pending`));
        expect(await shotDot(capture(), 'straight').getAttribute('aria-current')).toBe('step');
        // The wall is on screen: a frame drawn, with no face on it.
        const wallShown = capture().locator('[data-testid="live-preview"][data-sequence][data-faces=""]');
        expect(await appearsBeforeEnd(wallShown, ended)).toBe(true);

        const answer = await takeShot(backend, capture(), 'straight');
        expect(answer).toEqual({
          accepted: false,
          prompt: 'straight',
          reason: 'no-face',
          reasons: ['no face found'],
        });
        expect(await feedback().getAttribute('data-reason')).toBe('no-face');
        expect(await feedback().innerText()).toBe('The shot was not accepted:\nNo face found');
        expect(await capture().locator(captureError).count()).toBe(0);
        // The same shot is asked for again; nothing can be saved yet.
        expect(await capture().getByTestId('capture-prompt').innerText()).toBe('Look straight at the camera');
        expect(await dotStates(capture())).toEqual([
          'Shot straight: rejected',
          ...SHOTS.slice(1).map(({ label }) => `Shot ${label}: pending`),
        ]);
        expect(await shotDot(capture(), 'straight').getAttribute('aria-current')).toBe('step');
        expect(await capture().getByTestId('capture-save').innerText()).toBe('Save 0 shots');
        expect(await capture().getByTestId('capture-save').isDisabled()).toBe(true);
        await screenshot(page, 'capture-refused');
        expect(backend.people.list()).toEqual([]);
        expect(app().pageErrors).toEqual([]);
      });

      it('takes the five shots from talking-head-a, each accepted with the face it kept, and saves them', async () => {
        const { page, backend } = app();
        // The camera turns to the person while the session stays open (through the backend: the
        // Settings tab would end the session).
        const ended = nextLiveEnd(backend, { exceptStopped: true });
        await backend.invoke('settings:set', { cameraSource: clipA });
        const faceShown = capture().locator('[data-testid="live-preview"][data-faces="unknown"]');
        expect(await appearsBeforeEnd(faceShown, ended)).toBe(true);

        const refusals: string[][] = [];
        for (const [index, { label, instruction }] of SHOTS.entries()) {
          expect(await capture().getByTestId('capture-prompt').innerText()).toBe(instruction);
          expect(await shotDot(capture(), label).getAttribute('aria-current')).toBe('step');
          const answer = await takeShot(backend, capture(), label);
          if (!answer.accepted) {
            // What the screen says, so a refusal reads as the reason rather than as a count.
            refusals.push([label, answer.reason, ...(await feedback().locator('li').allInnerTexts())]);
            continue;
          }
          expect(answer.shotsAccepted).toBe(index + 1);
          expect(answer.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
          // The dot now shows the face main kept, as a 96 px square; no refusal is on screen.
          const thumbnail = shotDot(capture(), label).locator('img');
          expect(await thumbnail.getAttribute('src')).toBe(answer.thumbnail);
          expect(await imageSizes(thumbnail)).toEqual([['', 96, 96]]);
          expect(await feedback().count()).toBe(0);
          const taken = index + 1;
          expect(await capture().getByTestId('capture-save').innerText()).toBe(
            `Save ${taken} shot${taken === 1 ? '' : 's'}`,
          );
          if (taken === 3) await screenshot(page, 'capture-in-progress');
        }
        // Every frame of talking-head-a passes the gates (one face, sharp, bright and large enough).
        expect(refusals).toEqual([]);
        expect(await capture().locator(captureError).count()).toBe(0);
        expect(await dotStates(capture())).toEqual(SHOTS.map(({ label }) => `Shot ${label}: accepted`));
        expect(await capture().getByTestId('capture-prompt').innerText()).toBe('All five shots are taken: save them.');
        expect(await capture().getByRole('button', { name: 'Take the shot' }).isDisabled()).toBe(true);
        // Nothing is stored before Save.
        expect(backend.people.list()).toEqual([]);

        // The camera is unplugged while saving, so that Dana's first sighting is the kiosk's below.
        await backend.detachLive();
        await capture().getByTestId('capture-save').click();
        const saved = page.getByTestId('capture-saved');
        await expectShown(page, saved, captureError);
        expect(await saved.innerText()).toBe('Dana now has 5 templates (5 added).');
        // Back to the start form, ready for the next person.
        expect(await page.getByTestId('capture-start-form').count()).toBe(1);
        await screenshot(page, 'capture-saved');
        const [dana] = backend.people.list();
        expect(dana).toMatchObject({ name: 'Dana', employeeCode: 'E-042', active: true, templateCount: 5 });
        expect(dana?.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
        expect(backend.engine.store.templates.count()).toBe(5);
        expect(checkIns()).toEqual([]);
        expect(app().pageErrors).toEqual([]);
      });

      it('lists Dana on the People screen with her 5 templates and a thumbnail', async () => {
        const { page } = app();
        await openTab(page, 'People');
        await expectShown(page, '[data-testid="person-row"]', PANEL_ALERT);
        expect((await tableCells(page, 'people-table')).map((cells) => cells.slice(1, 5))).toEqual([
          ['Dana', 'E-042', '5', 'never'],
        ]);
        expect(await imageSizes(page.getByTestId('people-table').locator('img.thumbnail'))).toEqual([
          ['Face of Dana', 96, 96],
        ]);
        await screenshot(page, 'capture-people');
        expect(app().pageErrors).toEqual([]);
      });

      it('greets Dana by name when the kiosk sees talking-head-a again', async () => {
        const { page, backend } = app();
        await page.getByTestId('lock-admin').click();
        await page.getByTestId('kiosk-screen').waitFor();
        const ended = nextLiveEnd(backend);
        await backend.attachLive(live);

        const greeting = page.getByTestId('kiosk-greeting').and(page.locator('[data-kind="in"]'));
        expect(await appearsBeforeEnd(greeting, ended)).toBe(true);
        expect(await appearsBeforeEnd(page.locator('[data-testid="live-preview"][data-faces="Dana"]'), ended)).toBe(
          true,
        );
        await screenshot(page, 'capture-kiosk-greeting');
        const [checkIn] = checkIns();
        expect(checkIn).toMatchObject({ name: 'Dana', kind: 'in', already: false });
        const at = (checkIn as LiveAttendance).at;
        expect(await greeting.locator('.greeting-headline').innerText()).toBe(`Good ${partOfDay(at)}, Dana`);
        expect(await greeting.locator('.greeting-detail').innerText()).toBe(`checked in ${clockTime(at)}`);
        expect(await page.getByTestId('unknown-hint').count()).toBe(0);
        await ended;
        // Checked in once; every later sighting only said "already".
        expect(checkIns()).toHaveLength(1);
        const day = (checkIn as LiveAttendance).attendanceDate;
        const [stored] = backend.attendance.query({ from: day, to: day });
        expect(stored).toMatchObject({ personName: 'Dana', kind: 'in', source: 'kiosk', occurredAt: at });
        // Enrolled from the same clip: her template is close to every frame of it.
        expect(stored?.distance).toBeLessThan(0.3);
        expect(app().pageErrors).toEqual([]);
      });
    });

    describe('renaming and deleting people enrolled from photos', () => {
      const app = useApp(browser);
      const photos = (person: string) =>
        [1, 2, 3, 4, 5].map((n) => sharedPath('bbt', 'people', person, `${person}${n}.png`));
      const ids = { amy: 0, howard: 0 };
      beforeAll(async () => {
        const { backend } = app();
        // Straight through the backend, as the photo import would: this block is about the People screen.
        for (const name of ['amy', 'howard'] as const) {
          const { person } = await backend.people.enrolFiles({ name, paths: photos(name) });
          ids[name] = person?.id ?? 0;
        }
      });
      const row = (name: string) => app().page.locator(`[data-testid="person-row"][data-name="${name}"]`);

      it('lists the two people with their 5 templates each', async () => {
        const { page } = app();
        await setPinThroughUi(page, PIN);
        expect(await page.getByRole('tab', { name: 'People', selected: true }).count()).toBe(1);
        await expectShown(page, '[data-testid="person-row"]', PANEL_ALERT);
        expect((await tableCells(page, 'people-table')).map((cells) => cells.slice(1, 4))).toEqual([
          ['amy', '—', '5'],
          ['howard', '—', '5'],
        ]);
        expect(ids.amy).toBeGreaterThan(0);
        expect(ids.howard).toBeGreaterThan(0);
      });

      it('renames amy inline: Enter saves the new name', async () => {
        const { page, backend } = app();
        await page.getByRole('button', { name: 'Rename amy' }).click();
        const input = row('amy').getByTestId('rename-input');
        expect(await input.inputValue()).toBe('amy');
        expect(await input.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
        await input.fill('Amy Farrah Fowler');
        await input.press('Enter');
        await expectShown(page, row('Amy Farrah Fowler'), '.rename-form [role="alert"]');
        expect(await page.getByTestId('rename-input').count()).toBe(0);
        expect((await tableCells(page, 'people-table')).map((cells) => cells.slice(1, 4))).toEqual([
          ['Amy Farrah Fowler', '—', '5'],
          ['howard', '—', '5'],
        ]);
        expect(backend.people.get(ids.amy)).toMatchObject({ name: 'Amy Farrah Fowler', templateCount: 5 });
        // The engine recognises her by the new name at once.
        const [face] = await backend.engine.identifyFile(photos('amy')[0] as string);
        expect(face?.person).toEqual({ id: ids.amy, name: 'Amy Farrah Fowler' });
        expect(app().pageErrors).toEqual([]);
      });

      it("refuses to rename howard to amy's new name, showing the backend's reason, and keeps his name", async () => {
        const { page, backend } = app();
        await page.getByRole('button', { name: 'Rename howard' }).click();
        const input = row('howard').getByTestId('rename-input');
        // Names differ only when they differ beyond case and spacing.
        await input.fill('  amy FARRAH   fowler ');
        await input.press('Enter');
        const problem = row('howard').locator('.rename-form [role="alert"]');
        await problem.waitFor();
        expect(await problem.innerText()).toBe(
          `An active person is already called "Amy Farrah Fowler" (person ${ids.amy}); names must differ, ignoring case and spacing (you gave "amy FARRAH fowler")`,
        );
        expect(await input.getAttribute('aria-invalid')).toBe('true');
        // The form stays open with what was typed, to correct it.
        expect(await input.inputValue()).toBe('  amy FARRAH   fowler ');
        await screenshot(page, 'rename-refused');
        await input.press('Escape');
        await page.getByTestId('rename-input').waitFor({ state: 'detached' });
        expect((await tableCells(page, 'people-table')).map((cells) => cells[1])).toEqual([
          'Amy Farrah Fowler',
          'howard',
        ]);
        expect(backend.people.get(ids.howard).name).toBe('howard');
        expect(app().pageErrors).toEqual([]);
      });

      it('deletes howard after a dialog saying his templates and thumbnail go too', async () => {
        const { page, backend } = app();
        const [before] = await backend.engine.identifyFile(photos('howard')[1] as string);
        expect(before?.person).toEqual({ id: ids.howard, name: 'howard' });

        await page.getByRole('button', { name: 'Delete howard' }).click();
        const dialog = page.getByRole('alertdialog', { name: 'Delete howard?' });
        await dialog.waitFor();
        expect(await dialog.getAttribute('aria-modal')).toBe('true');
        const body =
          "howard's 5 face templates and thumbnail are deleted too, and the kiosk stops recognising them. Attendance already recorded keeps their name.";
        expect(await dialog.locator('p').innerText()).toBe(body);
        // Screen readers announce the same text as the dialog's description.
        const describedBy = await dialog.getAttribute('aria-describedby');
        expect(await page.locator(`[id="${describedBy}"]`).innerText()).toBe(body);
        // "Cancel" has the focus: Enter on an opened dialog deletes nothing.
        expect(
          await dialog
            .getByRole('button', { name: 'Cancel' })
            .evaluate((element) => element === element.ownerDocument.activeElement),
        ).toBe(true);
        await screenshot(page, 'delete-dialog');

        // Escape says no.
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        expect(await row('howard').count()).toBe(1);
        expect(backend.people.get(ids.howard).templateCount).toBe(5);

        await page.getByRole('button', { name: 'Delete howard' }).click();
        await dialog.getByRole('button', { name: 'Delete howard' }).click();
        await expectShown(page, '[data-testid="people-notice"]', PANEL_ALERT);
        expect(await page.getByTestId('people-notice').innerText()).toBe(
          'howard was deleted with 5 templates and the thumbnail.',
        );
        await dialog.waitFor({ state: 'detached' });
        expect((await tableCells(page, 'people-table')).map((cells) => cells.slice(1, 4))).toEqual([
          ['Amy Farrah Fowler', '—', '5'],
        ]);
        await screenshot(page, 'delete-done');

        // He had no attendance, so nothing of him is kept: not even among the removed people.
        expect(backend.people.list({ includeRemoved: true }).map((person) => person.name)).toEqual([
          'Amy Farrah Fowler',
        ]);
        expect(backend.engine.store.people.thumbnail(ids.howard)).toBeNull();
        expect(backend.engine.store.templates.count()).toBe(5);
        const [after] = await backend.engine.identifyFile(photos('howard')[1] as string);
        expect(after?.person).toBeNull();
        expect(app().pageErrors).toEqual([]);
      });
    });
  },
);
