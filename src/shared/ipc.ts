/**
 * The one IPC contract between the main process and the renderer: every channel and payload type
 * lives here. Main registers handlers only through the typed wrapper in src/main/ipc; the preload
 * exposes exactly `ClockfaceApi`.
 */

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

/** Request/response channels: renderer → main. */
export interface InvokeContract {
  'app:get-info': { readonly request: undefined; readonly response: AppInfo };
}

export type InvokeChannel = keyof InvokeContract;
export type InvokeRequest<C extends InvokeChannel> = InvokeContract[C]['request'];
export type InvokeResponse<C extends InvokeChannel> = InvokeContract[C]['response'];

export const INVOKE_CHANNELS = ['app:get-info'] as const satisfies readonly InvokeChannel[];

/** What the preload puts on `window.clockface`. */
export interface ClockfaceApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
}

/** The name of the global the preload exposes. */
export const API_KEY = 'clockface';
