import { useLiveStore } from './liveStore';

/**
 * The greeting, in an area that is always there (its height is reserved by CSS) so the screen
 * does not move when someone is greeted; it fades out by itself.
 */
export function GreetingPanel() {
  const greeting = useLiveStore((state) => state.greeting);
  const phase = useLiveStore((state) => state.greetingPhase);
  const count = useLiveStore((state) => state.greetingCount);
  return (
    <section className="greeting-area" aria-live="polite" data-testid="greeting-area">
      {greeting && (
        <p
          key={count}
          className={`greeting greeting-${greeting.kind} greeting-${phase}`}
          data-testid="kiosk-greeting"
          data-kind={greeting.kind}
          data-person-id={greeting.personId}
        >
          <span className="greeting-headline">{greeting.headline}</span>
          <span className="visually-hidden">{greeting.separator}</span>
          <span className="greeting-detail">{greeting.detail}</span>
        </p>
      )}
    </section>
  );
}
