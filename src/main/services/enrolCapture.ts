import { randomUUID } from 'node:crypto';
import {
  CAPTURE_PROMPTS,
  type CapturePrompt,
  type EnrolCaptureFinishResponse,
  type EnrolCaptureShotResponse,
  type EnrolCaptureStartResponse,
} from '../../shared/ipc.js';
import type { ImageInput } from '../engine/analyser/faceAnalyser.js';
import type { FaceEngine } from '../engine/faceEngine.js';
import { faceThumbnail } from '../engine/image/faceThumbnail.js';
import type { AnalysedFace } from '../engine/pipeline.js';
import { jpegDataUrl, type PeopleService } from './people.js';

/** A captured video frame as 8-bit BGR pixels, the analyser's raw input. */
export type BgrFrame = Extract<ImageInput, { kind: 'bgr' }>;

/**
 * Guided enrolment from the live camera: the admin starts a session for a name, the person looks
 * straight, then a little left, right, up and down, and each shot is taken from the newest camera
 * frame and checked at once (one face, quality gates, not someone else) so the screen can say what
 * is wrong. Accepted shots are kept in memory and stored only when the session is saved, so a
 * cancelled session leaves nothing behind. One session at a time: starting another ends the first.
 */
export class EnrolCapture {
  private session: {
    readonly id: string;
    readonly name: string;
    readonly employeeCode: string | undefined;
    readonly force: boolean;
    readonly shots: Map<CapturePrompt, { face: AnalysedFace; frame: BgrFrame }>;
  } | null = null;

  constructor(
    private readonly engine: FaceEngine,
    private readonly people: PeopleService,
    /** The newest camera frame; null when the camera delivers none. */
    private readonly currentFrame: () => BgrFrame | null,
  ) {}

  start(request: {
    readonly name: string;
    readonly employeeCode?: string;
    readonly force?: boolean;
  }): EnrolCaptureStartResponse {
    const name = request.name.trim();
    if (name === '') throw new Error('the name is empty');
    this.session = {
      id: randomUUID(),
      name,
      employeeCode: request.employeeCode?.trim() || undefined,
      force: request.force ?? false,
      shots: new Map(),
    };
    return {
      sessionId: this.session.id,
      prompts: CAPTURE_PROMPTS,
      personExists: this.engine.store.people.findByName(name) !== undefined,
    };
  }

  async shot(sessionId: string, prompt: CapturePrompt): Promise<EnrolCaptureShotResponse> {
    const session = this.requireSession(sessionId);
    const frame = this.currentFrame();
    if (!frame) {
      return { accepted: false, prompt, reason: 'no-frame', reasons: ['the camera has not delivered a picture yet'] };
    }
    // The pixels are copied: the live loop reuses its frame buffers.
    const copy: BgrFrame = { ...frame, data: Uint8Array.from(frame.data), name: `camera shot "${prompt}"` };
    const { faces } = await this.engine.analyser.analyse(copy, { fallbacks: false });
    if (this.session?.id !== sessionId) throw new Error('the enrolment session ended while the shot was checked');
    const verdict = this.engine.checkEnrolmentFaces('camera', faces, session.name, session.force);
    if (!verdict.ok) {
      const message = verdict.message.replace(/^camera: /, '');
      // The quality gate lists every problem, one per "; ".
      const reasons = verdict.reason === 'low-quality' ? message.split('; ') : [message];
      return { accepted: false, prompt, reason: verdict.reason, reasons };
    }
    session.shots.set(prompt, { face: verdict.face, frame: copy });
    const thumbnail = jpegDataUrl(await faceThumbnail(copy, verdict.face.box));
    return { accepted: true, prompt, shotsAccepted: session.shots.size, thumbnail };
  }

  /** Saves the accepted shots as templates (save) or drops them (cancel); the session ends either way. */
  async finish(sessionId: string, save: boolean): Promise<EnrolCaptureFinishResponse> {
    const session = this.requireSession(sessionId);
    this.session = null;
    if (!save || session.shots.size === 0) return { person: null, templatesAdded: 0 };
    let personId = 0;
    for (const { face, frame } of session.shots.values()) {
      const added = await this.engine.addEnrolledFace(session.name, face, frame, 'camera', {
        ...(session.employeeCode ? { employeeCode: session.employeeCode } : {}),
      });
      personId = added.person.id;
    }
    return { person: this.people.get(personId), templatesAdded: session.shots.size };
  }

  private requireSession(sessionId: string) {
    if (this.session?.id !== sessionId) {
      throw new Error('this enrolment session is over (another was started, or it was finished): start again');
    }
    return this.session;
  }
}
