import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface FitWidthProps {
  /** The width until the box is laid out (and in jsdom, which lays nothing out). */
  readonly initialWidth: number;
  /** Draws at this many CSS pixels wide. */
  readonly children: (width: number) => ReactNode;
}

/**
 * A full-width box whose content is drawn for its measured width, again on every resize: a chart
 * drawn this way fills its panel with text at its real size, where a scaled viewBox would either
 * leave the panel half empty or blow the labels up.
 */
export function FitWidth({ initialWidth, children }: FitWidthProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initialWidth);
  useLayoutEffect(() => {
    const element = box.current;
    // jsdom (the component tests) has no ResizeObserver: the content keeps the initial width there.
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const measured = Math.floor(entry?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="fit-width">
      {children(width)}
    </div>
  );
}
