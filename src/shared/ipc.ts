/**
 * The one IPC contract between the main process and the renderer: every channel and payload type
 * lives here. Main registers handlers only through the typed wrapper in src/main/ipc and validates
 * every request with the zod schema of the same name in ./ipcSchemas.ts; the preload exposes
 * exactly `ClockfaceApi`. The end-to-end test bridge (test/e2e/bridge.ts) speaks the same contract
 * over a WebSocket.
 *
 * Every payload is plain structured data that survives JSON: times are epoch milliseconds (UTC),
 * calendar days are local "YYYY-MM-DD" strings, vectors are number arrays, images are data: URLs.
 * A failed call rejects with an Error whose message is one sentence saying what was wrong.
 *
 * This file is compiled for the renderer too (DOM libs): it imports nothing from src/main.
 */

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/** Milliseconds since the Unix epoch, UTC. */
export type EpochMs = number;

/** A local calendar date, "YYYY-MM-DD". For attendance it names an attendance day (see dayBoundary). */
export type LocalDate = string;

/** An axis-aligned box in the pixels of the image it was found in. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ModelSummary {
  readonly id: string;
  readonly task: string;
  readonly file: string;
  readonly bytes: number;
}

export interface AppInfo {
  readonly version: string;
  /** The verified models, or why they could not be verified. */
  readonly models:
    | { readonly ok: true; readonly list: readonly ModelSummary[] }
    | { readonly ok: false; readonly error: string };
}

// ---------------------------------------------------------------------------------------------
// People and enrolment
// ---------------------------------------------------------------------------------------------

export interface PersonRow {
  readonly id: number;
  readonly name: string;
  readonly employeeCode: string | null;
  /** False for a removed person kept only for their attendance history (listed only on request). */
  readonly active: boolean;
  readonly templateCount: number;
  /** Time of the person's latest attendance event; null when never seen. */
  readonly lastSeen: EpochMs | null;
  /** A small JPEG of the face from the first enrolment photo, as a data: URL; null when none. */
  readonly thumbnail: string | null;
}

/** Why one photo (or camera shot) was not enrolled. */
export type EnrolRejection =
  | 'unreadable-image'
  | 'no-face'
  | 'several-faces'
  | 'low-quality'
  | 'duplicate-of-another-person';

/** One photo's outcome; `message` is the sentence to show. */
export type EnrolFileResult =
  | { readonly file: string; readonly ok: true; readonly templateId: number }
  | { readonly file: string; readonly ok: false; readonly reason: EnrolRejection; readonly message: string };

/** One photo of a folder import, with the person (the sub-folder's name) it was enrolled for. */
export type ImportFileResult = EnrolFileResult & { readonly person: string };

export interface PeopleListRequest {
  /** Also list removed people who are kept for their attendance history. Default false. */
  readonly includeRemoved?: boolean;
}

export interface PeopleEnrolFilesRequest {
  /** Creates the person with the first accepted photo, or adds templates to the active person of this name. */
  readonly name: string;
  /** Only used when the person is created; blank means none. */
  readonly employeeCode?: string;
  /** Absolute paths of photos on the machine running the engine (from 'dialog:open-images'). */
  readonly paths: readonly string[];
  /** Enrol even when a face already matches another person. Default false. */
  readonly force?: boolean;
  /** When given, one 'progress' push per photo carries this id. */
  readonly operationId?: string;
}

export interface PeopleEnrolFilesResponse {
  /** The person after enrolment; null when no photo was accepted and the person did not exist. */
  readonly person: PersonRow | null;
  readonly results: readonly EnrolFileResult[];
}

export interface PeopleImportFolderRequest {
  /** A folder holding one sub-folder of photos per person: `<folder>/<name>/<photos>`. */
  readonly folder: string;
  readonly force?: boolean;
  /** Chosen by the renderer (e.g. crypto.randomUUID()); every 'progress' push of this import carries it. */
  readonly operationId: string;
}

export interface PeopleImportFolderResponse {
  readonly operationId: string;
  /** Photos enrolled / refused over the whole folder. */
  readonly enrolled: number;
  readonly rejected: number;
  /** One entry per sub-folder, in name order. */
  readonly people: readonly { readonly name: string; readonly enrolled: number; readonly rejected: number }[];
  readonly results: readonly ImportFileResult[];
}

export interface PeopleRenameRequest {
  readonly personId: number;
  readonly name: string;
}

export interface PeopleRemoveRequest {
  readonly personId: number;
}

export interface PeopleRemoveResponse {
  readonly personId: number;
  readonly name: string;
  /** 'deleted' when the person had no attendance; 'deactivated' keeps the name for their history. */
  readonly outcome: 'deleted' | 'deactivated';
  /** Templates (and with them the thumbnail) deleted. */
  readonly templatesDeleted: number;
}

// ---------------------------------------------------------------------------------------------
// Guided enrolment from the live camera
// ---------------------------------------------------------------------------------------------

/** What the person is asked to do for one shot: look straight, or turn a little left/right/up/down. */
export type CapturePrompt = 'straight' | 'left' | 'right' | 'up' | 'down';

/** The guided session's shots, in order. */
export const CAPTURE_PROMPTS = ['straight', 'left', 'right', 'up', 'down'] as const satisfies readonly CapturePrompt[];

export interface EnrolCaptureStartRequest {
  readonly name: string;
  readonly employeeCode?: string;
  /** Accept shots whose face matches another person. Default false. */
  readonly force?: boolean;
}

export interface EnrolCaptureStartResponse {
  readonly sessionId: string;
  readonly prompts: readonly CapturePrompt[];
  /** True when an active person of this name exists: the shots add templates to them. */
  readonly personExists: boolean;
}

export interface EnrolCaptureShotRequest {
  readonly sessionId: string;
  readonly prompt: CapturePrompt;
}

/** Why a shot was refused: the photo reasons, or no camera frame to take it from. */
export type CaptureRejection = EnrolRejection | 'no-frame';

export type EnrolCaptureShotResponse =
  | {
      readonly accepted: true;
      readonly prompt: CapturePrompt;
      /** Accepted shots so far in this session (a prompt shot again replaces its earlier shot). */
      readonly shotsAccepted: number;
      /** The face of this shot, a small JPEG data: URL. */
      readonly thumbnail: string;
    }
  | {
      readonly accepted: false;
      readonly prompt: CapturePrompt;
      readonly reason: CaptureRejection;
      /** Everything wrong with the shot, one sentence each ("face too dark: brightness 31.2 (minimum 40)"). */
      readonly reasons: readonly string[];
    };

export interface EnrolCaptureFinishRequest {
  readonly sessionId: string;
  /** False cancels: nothing is stored. */
  readonly save: boolean;
}

export interface EnrolCaptureFinishResponse {
  /** The person after saving; null when cancelled or no shot was accepted. */
  readonly person: PersonRow | null;
  readonly templatesAdded: number;
}

// ---------------------------------------------------------------------------------------------
// Attendance
// ---------------------------------------------------------------------------------------------

export type AttendanceKind = 'in' | 'out';

/** A range of attendance days, both ends included. */
export interface AttendanceRangeRequest {
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** Only this person's events. */
  readonly personId?: number;
}

export interface AttendanceEventRow {
  readonly id: number;
  readonly personId: number;
  readonly personName: string;
  readonly occurredAt: EpochMs;
  /** The attendance day the event belongs to (a 02:00 check-out belongs to the day the shift began). */
  readonly attendanceDate: LocalDate;
  readonly kind: AttendanceKind;
  /** The match distance that recognised the person; null for a manual entry. */
  readonly distance: number | null;
  /** What recorded it: 'kiosk', 'cli', … */
  readonly source: string;
}

export interface AttendanceQueryResponse {
  /** Oldest first. */
  readonly events: readonly AttendanceEventRow[];
}

/** One person's attendance day: first in, last out after it (same rules as the CSV summary). */
export interface AttendanceDayRow {
  readonly date: LocalDate;
  readonly personId: number;
  readonly name: string;
  readonly employeeCode: string | null;
  readonly firstIn: EpochMs | null;
  readonly lastOut: EpochMs | null;
  /** Whole minutes from first in to last out; null without both. */
  readonly totalMinutes: number | null;
}

export interface AttendanceSummaryResponse {
  /** By date, then name. */
  readonly days: readonly AttendanceDayRow[];
  /** Every day of the range in order (days without events count 0): check-in events per day, for the chart. */
  readonly checkInsPerDay: readonly { readonly date: LocalDate; readonly count: number }[];
}

export interface AttendanceExportRequest {
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** One row per event instead of one per person per day. Default false. */
  readonly raw?: boolean;
  /** Start the file with a UTF-8 byte-order mark, for Excel. Default false. */
  readonly bom?: boolean;
  /** Where to write: the path 'dialog:save-csv' returned. An existing file is replaced. */
  readonly path: string;
}

export interface AttendanceExportResponse {
  readonly path: string;
  readonly bytes: number;
  /** Data rows written (the header not counted). */
  readonly rows: number;
}

export interface AttendancePruneRequest {
  /** Deletes events older than this many days; default: the retentionDays setting (0 = keep all, nothing deleted). */
  readonly olderThanDays?: number;
}

export interface AttendancePruneResponse {
  readonly deleted: number;
  /** Events before this time were deleted; null when retention is off. */
  readonly before: EpochMs | null;
}

// ---------------------------------------------------------------------------------------------
// Dialogs (answered by Electron's native dialogs; the test bridge answers with prepared paths)
// ---------------------------------------------------------------------------------------------

export interface DialogSaveCsvRequest {
  /** The file name the dialog proposes, e.g. "attendance-2025-03-01-to-2025-03-31.csv". */
  readonly defaultName: string;
}

/** The chosen path, or null when the dialog was cancelled. */
export interface DialogPathResponse {
  readonly path: string | null;
}

export interface DialogPathsResponse {
  /** The chosen paths; empty when the dialog was cancelled. */
  readonly paths: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Settings and cameras
// ---------------------------------------------------------------------------------------------

export type DetectorKind = 'ssd' | 'tiny' | 'haar';
export type AttendanceMode = 'in-out' | 'in-only';

/** Everything the Settings screen edits. Defaults are in `settings:get`'s `defaults`. */
export interface AppSettings {
  /** The live video: a camera index ("0"), a video file path or a stream URL (rtsp://, http://). */
  readonly cameraSource: string;
  /** 'ssd' (most accurate), 'tiny' (faster, misses small faces), 'haar' (fastest, frontal only). */
  readonly detector: DetectorKind;
  /** Euclidean descriptor distance at or below which a face is the matched person (0 < t <= 2). */
  readonly matchThreshold: number;
  /** After an event, recognitions within this many minutes write nothing (0..1440). */
  readonly cooldownMinutes: number;
  /** 'in-out': first recognition of the day checks in, later ones check out; 'in-only': check-ins only. */
  readonly attendanceMode: AttendanceMode;
  /** Local "HH:MM" when an attendance day starts. */
  readonly dayBoundary: string;
  /** Attendance events older than this many days are deleted (daily and on start); 0 keeps everything. */
  readonly retentionDays: number;
  /** Run the kiosk window full screen (kiosk mode). */
  readonly kioskFullScreen: boolean;
  /** The admin screens lock themselves after this many idle minutes (1..240). */
  readonly adminIdleMinutes: number;
}

export type SettingKey = keyof AppSettings;

export interface SettingsResponse {
  readonly values: AppSettings;
  readonly defaults: AppSettings;
  /** Stored settings that take effect only after the app restarts. */
  readonly restartRequired: readonly SettingKey[];
}

/** Changes only the settings given; each is validated, and nothing is stored when one is invalid. */
export type SettingsSetRequest = Partial<AppSettings>;

export interface CameraInfo {
  /** What `cameras:select` takes and `cameraSource` stores: "0", a file path or a URL. */
  readonly id: string;
  /** As shown to people ("Camera 0", a file name, a URL with its password masked). */
  readonly label: string;
  readonly kind: 'device' | 'file' | 'stream';
}

export interface CamerasListResponse {
  readonly cameras: readonly CameraInfo[];
  /** The configured source (it may be absent from `cameras`, e.g. a camera that is unplugged). */
  readonly selected: string;
}

export interface CamerasSelectRequest {
  readonly id: string;
}

// ---------------------------------------------------------------------------------------------
// Admin PIN
// ---------------------------------------------------------------------------------------------

export interface AdminState {
  /** False on first run: the admin screen asks to set a PIN. */
  readonly pinSet: boolean;
  readonly unlocked: boolean;
  /** After too many wrong PINs no attempt is accepted until this time; null when not locked out. */
  readonly lockedUntil: EpochMs | null;
  /** Wrong PINs in a row since the last success (5 in a row lock the admin out). */
  readonly failedAttempts: number;
}

/** A PIN is 4 to 12 digits. */
export interface AdminPinRequest {
  readonly pin: string;
}

export interface AdminChangePinRequest {
  readonly currentPin: string;
  readonly newPin: string;
}

export type AdminAttemptFailure = 'wrong-pin' | 'locked-out' | 'no-pin-set';

/** The outcome of a PIN attempt: a wrong PIN is an answer, not an error. */
export type AdminAttemptResponse =
  | { readonly ok: true; readonly state: AdminState }
  | {
      readonly ok: false;
      readonly reason: AdminAttemptFailure;
      /** "Wrong PIN: 3 tries left", "Too many wrong PINs: try again in 60 s". */
      readonly message: string;
      readonly state: AdminState;
    };

// ---------------------------------------------------------------------------------------------
// Calibration and embedding map
// ---------------------------------------------------------------------------------------------

export interface CalibrationRequest {
  /** The false-accept rate the second threshold must meet. Default 0.001. */
  readonly targetFar?: number;
}

export interface CalibrationReport {
  readonly people: number;
  readonly templates: number;
  /** Template pairs of the same person / of different people. */
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  /** Fixed bins over distances 0..1.5: `edges` has bins + 1 values; bin i is [edges[i], edges[i+1]). */
  readonly histogram: {
    readonly edges: readonly number[];
    readonly genuine: readonly number[];
    readonly impostor: readonly number[];
    /** Pairs farther than the last edge, counted in no bin. */
    readonly outOfRange: number;
  };
  /** The threshold with the best F1 ("same person" positive) on the gallery's pairs. */
  readonly bestF1: {
    readonly threshold: number;
    readonly f1: number;
    readonly precision: number;
    readonly recall: number;
  };
  /** The largest threshold whose false-accept rate is at most `targetFar`; threshold null = none accepts anything. */
  readonly atTargetFar: {
    readonly targetFar: number;
    readonly threshold: number | null;
    readonly tar: number;
    readonly far: number;
  };
  /** The threshold in use now. */
  readonly currentThreshold: number;
  /** True when the gallery is larger than the calibration takes: then `templates` of them, drawn at random (fixed seed). */
  readonly sampled: boolean;
}

export interface CalibrationApplyRequest {
  readonly threshold: number;
}

export interface EmbeddingMapRequest {
  /** Random seed of the layout: the same seed and gallery give the same map. Default 42. */
  readonly seed?: number;
}

export interface EmbeddingMapPoint {
  readonly templateId: number;
  readonly personId: number;
  readonly personName: string;
  readonly x: number;
  readonly y: number;
  /** The template is nearer to another person's template than to its own person's nearest one. */
  readonly outlier: boolean;
  /** For an outlier: the other person and their template it is nearest to. */
  readonly nearestOther: {
    readonly personId: number;
    readonly personName: string;
    readonly distance: number;
  } | null;
}

export interface EmbeddingMapResponse {
  readonly method: 'umap';
  /** Neighbours UMAP used (at most templates - 1). */
  readonly neighbours: number;
  readonly points: readonly EmbeddingMapPoint[];
}

// ---------------------------------------------------------------------------------------------
// Live loop (kiosk)
// ---------------------------------------------------------------------------------------------

export type LiveSourceState = 'ok' | 'lost' | 'reconnecting' | 'ended';

export interface LiveFrameShownRequest {
  readonly sequence: number;
}

export interface LiveStatus {
  /** 'stopped' before the loop first starts or after it was stopped. */
  readonly state: LiveSourceState | 'stopped';
  /** The source as shown to people (stream credentials masked). */
  readonly source: string;
  /** Why the state changed, in one sentence; null when nothing to add. */
  readonly detail: string | null;
  readonly at: EpochMs;
}

// ---------------------------------------------------------------------------------------------
// Invoke channels: renderer → main, one request, one response
// ---------------------------------------------------------------------------------------------

/** Request/response channels. A request of `undefined` means the call takes no argument. */
export interface InvokeContract {
  'app:get-info': { readonly request: undefined; readonly response: AppInfo };

  'people:list': { readonly request: PeopleListRequest | undefined; readonly response: readonly PersonRow[] };
  'people:enrol-files': { readonly request: PeopleEnrolFilesRequest; readonly response: PeopleEnrolFilesResponse };
  'people:import-folder': {
    readonly request: PeopleImportFolderRequest;
    readonly response: PeopleImportFolderResponse;
  };
  'people:rename': { readonly request: PeopleRenameRequest; readonly response: PersonRow };
  'people:remove': { readonly request: PeopleRemoveRequest; readonly response: PeopleRemoveResponse };

  'enrol-capture:start': { readonly request: EnrolCaptureStartRequest; readonly response: EnrolCaptureStartResponse };
  'enrol-capture:shot': { readonly request: EnrolCaptureShotRequest; readonly response: EnrolCaptureShotResponse };
  'enrol-capture:finish': {
    readonly request: EnrolCaptureFinishRequest;
    readonly response: EnrolCaptureFinishResponse;
  };

  'attendance:query': { readonly request: AttendanceRangeRequest; readonly response: AttendanceQueryResponse };
  'attendance:summary': { readonly request: AttendanceRangeRequest; readonly response: AttendanceSummaryResponse };
  'attendance:export': { readonly request: AttendanceExportRequest; readonly response: AttendanceExportResponse };
  'attendance:prune': {
    readonly request: AttendancePruneRequest | undefined;
    readonly response: AttendancePruneResponse;
  };

  'dialog:save-csv': { readonly request: DialogSaveCsvRequest; readonly response: DialogPathResponse };
  /** Photos to enrol. */
  'dialog:open-images': { readonly request: undefined; readonly response: DialogPathsResponse };
  /** A `<folder>/<person>/<photos>` folder to import. */
  'dialog:open-folder': { readonly request: undefined; readonly response: DialogPathResponse };

  'settings:get': { readonly request: undefined; readonly response: SettingsResponse };
  'settings:set': { readonly request: SettingsSetRequest; readonly response: SettingsResponse };

  'cameras:list': { readonly request: undefined; readonly response: CamerasListResponse };
  'cameras:select': { readonly request: CamerasSelectRequest; readonly response: CamerasListResponse };

  /** The live source's current state, for a screen that missed the 'live:status' pushes. */
  'live:get-status': { readonly request: undefined; readonly response: LiveStatus };
  /**
   * The renderer has drawn the 'live:frame' with this sequence number. Main sends the next frame
   * only after this (or after a second without it), so a slow renderer drops frames instead of
   * queueing them: call it once per frame drawn.
   */
  'live:frame-shown': { readonly request: LiveFrameShownRequest; readonly response: null };

  'admin:get-state': { readonly request: undefined; readonly response: AdminState };
  /** First run only: sets the PIN and unlocks. Refused once a PIN is set. */
  'admin:set-pin': { readonly request: AdminPinRequest; readonly response: AdminAttemptResponse };
  'admin:unlock': { readonly request: AdminPinRequest; readonly response: AdminAttemptResponse };
  'admin:lock': { readonly request: undefined; readonly response: AdminState };
  'admin:change-pin': { readonly request: AdminChangePinRequest; readonly response: AdminAttemptResponse };

  'calibration:compute': { readonly request: CalibrationRequest | undefined; readonly response: CalibrationReport };
  /** Stores the threshold as the matchThreshold setting; it applies at once. */
  'calibration:apply': { readonly request: CalibrationApplyRequest; readonly response: SettingsResponse };

  'embedding-map:compute': {
    readonly request: EmbeddingMapRequest | undefined;
    readonly response: EmbeddingMapResponse;
  };
}

export type InvokeChannel = keyof InvokeContract;
export type InvokeRequest<C extends InvokeChannel> = InvokeContract[C]['request'];
export type InvokeResponse<C extends InvokeChannel> = InvokeContract[C]['response'];

/** One entry per channel: the compiler refuses a channel missing here, so the allow-lists stay complete. */
const INVOKE_CHANNEL_SET: { readonly [C in InvokeChannel]: true } = {
  'app:get-info': true,
  'people:list': true,
  'people:enrol-files': true,
  'people:import-folder': true,
  'people:rename': true,
  'people:remove': true,
  'enrol-capture:start': true,
  'enrol-capture:shot': true,
  'enrol-capture:finish': true,
  'attendance:query': true,
  'attendance:summary': true,
  'attendance:export': true,
  'attendance:prune': true,
  'dialog:save-csv': true,
  'dialog:open-images': true,
  'dialog:open-folder': true,
  'settings:get': true,
  'settings:set': true,
  'cameras:list': true,
  'cameras:select': true,
  'live:get-status': true,
  'live:frame-shown': true,
  'admin:get-state': true,
  'admin:set-pin': true,
  'admin:unlock': true,
  'admin:lock': true,
  'admin:change-pin': true,
  'calibration:compute': true,
  'calibration:apply': true,
  'embedding-map:compute': true,
};

export const INVOKE_CHANNELS = Object.keys(INVOKE_CHANNEL_SET) as readonly InvokeChannel[];

/**
 * Channels anyone at the kiosk may call. Every other channel needs the admin unlocked (and
 * keeps it unlocked: each call restarts the idle timer); a call while locked rejects with
 * "the admin screens are locked: enter the PIN".
 */
export const OPEN_CHANNELS = [
  'app:get-info',
  'settings:get',
  'live:get-status',
  'live:frame-shown',
  'admin:get-state',
  'admin:set-pin',
  'admin:unlock',
  'admin:lock',
] as const satisfies readonly InvokeChannel[];

// ---------------------------------------------------------------------------------------------
// Push channels: main → renderer
// ---------------------------------------------------------------------------------------------

export interface LiveFace {
  readonly box: Box;
  /** Stable while the same face stays in view. */
  readonly trackId: number;
  /** The voted identity; null while unknown or undecided. */
  readonly personId: number | null;
  readonly name: string | null;
  /** The latest match distance; null before the first descriptor. */
  readonly distance: number | null;
  /** The 68 landmarks, when the loop sends them. */
  readonly landmarks?: readonly Point[];
}

export interface LiveFrame {
  /** Increases by one per frame sent; a gap means frames were dropped. */
  readonly sequence: number;
  readonly capturedAt: EpochMs;
  /** The preview as "data:image/jpeg;base64,…". */
  readonly jpeg: string;
  /** The preview's size in pixels; face boxes are in these pixels. */
  readonly width: number;
  readonly height: number;
  readonly faces: readonly LiveFace[];
  /** Milliseconds per stage for this frame (detect, landmarks, align, embed, match, encode, …). */
  readonly timingsMs: Readonly<Record<string, number>>;
}

export interface LiveIdentified {
  readonly trackId: number;
  readonly personId: number;
  readonly name: string;
  readonly distance: number;
  readonly at: EpochMs;
}

export interface LiveUnknown {
  readonly trackId: number;
  /** Where the face is, in the preview's pixels (as LiveFrame's faces); null when its track left the picture. */
  readonly box: Box | null;
  readonly at: EpochMs;
}

/** What the kiosk greets: a check-in or check-out that is already stored, or why nothing was stored. */
export interface LiveAttendance {
  readonly personId: number;
  readonly name: string;
  readonly kind: AttendanceKind;
  /** True: nothing was stored, the person was already checked in (or out) at `previousAt`. */
  readonly already: boolean;
  /** When the person was recognised (for a stored event: its stored time). */
  readonly at: EpochMs;
  /** The earlier event when `already`; null otherwise. */
  readonly previousAt: EpochMs | null;
  readonly attendanceDate: LocalDate;
  /** Minutes from today's first check-in to this check-out, for the goodbye; null for a check-in. */
  readonly todayMinutes: number | null;
  readonly distance: number | null;
}

export interface LiveMetrics {
  readonly at: EpochMs;
  /** Frames per second the source delivers and the loop processes. */
  readonly captureFps: number;
  readonly processedFps: number;
  /** Frames skipped because processing was busy, since the loop started. */
  readonly droppedFrames: number;
  /** Mean milliseconds per stage over the last second. */
  readonly timingsMs: Readonly<Record<string, number>>;
  /** Capture-to-decision latency over the interval; null when no frame was processed. */
  readonly latencyMs: { readonly median: number; readonly p95: number } | null;
  /** How late main's event loop ran its timers (99th percentile over the interval). */
  readonly eventLoopDelayP99Ms: number;
  /** Main process memory (resident set), MB. */
  readonly rssMb: number;
}

export interface Progress {
  /** The request's `operationId`. */
  readonly operationId: string;
  readonly done: number;
  readonly total: number;
  /** The file just finished; null for a step that is not a file. */
  readonly file: string | null;
  readonly result: ImportFileResult | null;
}

export interface PushContract {
  'live:frame': LiveFrame;
  'live:identified': LiveIdentified;
  'live:unknown': LiveUnknown;
  'live:attendance': LiveAttendance;
  'live:status': LiveStatus;
  'live:metrics': LiveMetrics;
  progress: Progress;
}

export type PushChannel = keyof PushContract;
export type PushPayload<C extends PushChannel> = PushContract[C];

const PUSH_CHANNEL_SET: { readonly [C in PushChannel]: true } = {
  'live:frame': true,
  'live:identified': true,
  'live:unknown': true,
  'live:attendance': true,
  'live:status': true,
  'live:metrics': true,
  progress: true,
};

export const PUSH_CHANNELS = Object.keys(PUSH_CHANNEL_SET) as readonly PushChannel[];

/** One push event, as emitters and transports carry it. */
export type PushEvent = { [C in PushChannel]: { readonly channel: C; readonly payload: PushPayload<C> } }[PushChannel];

// ---------------------------------------------------------------------------------------------
// The API object
// ---------------------------------------------------------------------------------------------

/** What the preload puts on `window.clockface` (and the e2e bridge's client script too). */
export interface ClockfaceApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  /** Calls `listener` for every push on `channel` until the returned function is called. */
  on<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void;
}

/** The name of the global the preload exposes. */
export const API_KEY = 'clockface';
