let issued = 0;

/** An id for one long operation, to match its 'progress' pushes; unique within this window. */
export function newOperationId(kind: string): string {
  issued += 1;
  return `${kind}-${Date.now()}-${issued}`;
}
