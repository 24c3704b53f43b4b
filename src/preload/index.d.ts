import type { ClockfaceApi } from '../shared/ipc';

declare global {
  interface Window {
    readonly clockface: ClockfaceApi;
  }
}
