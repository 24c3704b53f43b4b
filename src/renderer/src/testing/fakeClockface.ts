import type {
  ClockfaceApi,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  PushChannel,
  PushPayload,
} from '../../../shared/ipc';

type Handler<C extends InvokeChannel> = (request: InvokeRequest<C>) => InvokeResponse<C> | Promise<InvokeResponse<C>>;
type Listener = (payload: never) => void;

/**
 * A stand-in for the preload's `window.clockface` in component and store tests: answers each
 * channel with the handler a test gives, records every call, and pushes what the test pushes.
 * The real engine behind the real contract is exercised by the end-to-end suite.
 */
export class FakeClockface implements ClockfaceApi {
  readonly calls: { readonly channel: InvokeChannel; readonly request: unknown }[] = [];
  private readonly handlers = new Map<InvokeChannel, Handler<never>>();
  private readonly listeners = new Map<PushChannel, Set<Listener>>();

  handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as unknown as Handler<never>);
    return this;
  }

  async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    this.calls.push({ channel, request });
    const handler = this.handlers.get(channel) as unknown as Handler<C> | undefined;
    if (!handler) throw new Error(`the test gave no handler for ${channel}`);
    return handler(request);
  }

  on<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void {
    const set = this.listeners.get(channel) ?? new Set<Listener>();
    this.listeners.set(channel, set);
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  }

  push<C extends PushChannel>(channel: C, payload: PushPayload<C>): void {
    for (const listener of this.listeners.get(channel) ?? []) (listener as (payload: PushPayload<C>) => void)(payload);
  }

  /** Listeners still attached, over every channel or one. */
  listenerCount(channel?: PushChannel): number {
    if (channel) return this.listeners.get(channel)?.size ?? 0;
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  /** Requests made on one channel, in order. */
  requests<C extends InvokeChannel>(channel: C): InvokeRequest<C>[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.request as InvokeRequest<C>);
  }
}

/** Puts a fresh fake on `window.clockface` (the preload's global is read-only, hence defineProperty). */
export function installFakeClockface(): FakeClockface {
  const fake = new FakeClockface();
  Object.defineProperty(window, 'clockface', { value: fake, configurable: true });
  return fake;
}
