import { checkEmbedding, checkInteger, MatchInputError } from './matchInputError.js';
import { QuantisedRows } from './quantisedRows.js';

/** The length of the ResNet-34 face descriptor. */
export const DEFAULT_EMBEDDING_DIM = 128;

export interface GalleryOptions {
  /** Values per embedding. */
  readonly dim?: number;
  /** Rows to allocate up front (a store that knows its template count avoids regrowth). */
  readonly initialCapacity?: number;
}

/** Read-only access to the rows for the matcher; valid until the gallery next changes. */
export interface GalleryRows {
  readonly dim: number;
  readonly size: number;
  /** Row r occupies vectors[r·dim .. (r+1)·dim); entries past `size` rows are stale. */
  readonly vectors: Float32Array;
  /** Row → person slot, an index into `slotPersonIds`. */
  readonly personSlots: Int32Array;
  readonly templateIds: readonly string[];
  /** Slot → person id; undefined for a slot whose person has no templates left. */
  readonly slotPersonIds: readonly (string | undefined)[];
  readonly quantised: QuantisedRows;
}

/**
 * The in-memory gallery of enrolled templates: one contiguous Float32Array, one row per template,
 * with parallel arrays of template id and person slot, plus an int8 mirror for fast pre-filtering.
 *
 * Adding appends (capacity doubles, so adds are amortised O(1)); removing moves the last row into
 * the hole (swap-with-last), so neither ever rebuilds the gallery. Row order is therefore not
 * enrolment order, and nothing outside should depend on it: the matcher breaks distance ties by id.
 * Every method validates its input completely before changing anything.
 */
export class Gallery {
  readonly dim: number;
  private count = 0;
  private capacity = 0;
  private vectors: Float32Array = new Float32Array(0);
  private personSlots: Int32Array = new Int32Array(0);
  private readonly templateIds: string[] = [];
  private readonly rowOfTemplate = new Map<string, number>();
  private readonly slotOfPerson = new Map<string, number>();
  private readonly slotPersonIds: (string | undefined)[] = [];
  private readonly slotTemplateCounts: number[] = [];
  private readonly freeSlots: number[] = [];
  private readonly quantised: QuantisedRows;

  constructor(options: GalleryOptions = {}) {
    const dim = options.dim ?? DEFAULT_EMBEDDING_DIM;
    checkInteger('dim', dim, 1, 65536);
    const initialCapacity = options.initialCapacity ?? 64;
    checkInteger('initialCapacity', initialCapacity, 0);
    this.dim = dim;
    this.quantised = new QuantisedRows(dim);
    this.reserve(initialCapacity);
  }

  /** Number of templates. */
  get size(): number {
    return this.count;
  }

  /** Number of distinct people with at least one template. */
  get personCount(): number {
    return this.slotOfPerson.size;
  }

  /** The people with at least one template, sorted by id. */
  personIds(): string[] {
    return [...this.slotOfPerson.keys()].sort();
  }

  hasTemplate(templateId: string): boolean {
    return this.rowOfTemplate.has(templateId);
  }

  templateCount(personId: string): number {
    const slot = this.slotOfPerson.get(personId);
    return slot === undefined ? 0 : (this.slotTemplateCounts[slot] as number);
  }

  /** A copy of a template's embedding, or undefined for an unknown id. */
  embeddingOf(templateId: string): Float32Array | undefined {
    const row = this.rowOfTemplate.get(templateId);
    return row === undefined ? undefined : this.vectors.slice(row * this.dim, (row + 1) * this.dim);
  }

  rows(): GalleryRows {
    return {
      dim: this.dim,
      size: this.count,
      vectors: this.vectors,
      personSlots: this.personSlots,
      templateIds: this.templateIds,
      slotPersonIds: this.slotPersonIds,
      quantised: this.quantised,
    };
  }

  /**
   * Makes room for `rows` templates without regrowing. Throws MatchInputError 'gallery-full' when
   * memory cannot hold them; the gallery is unchanged then.
   */
  reserve(rows: number): void {
    checkInteger('rows', rows, 0);
    if (rows <= this.capacity) return;
    let vectors: Float32Array;
    let personSlots: Int32Array;
    try {
      vectors = new Float32Array(rows * this.dim);
      personSlots = new Int32Array(rows);
      this.quantised.reserve(rows);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new MatchInputError(
        'gallery-full',
        `cannot hold ${rows} templates of ${this.dim} values (${error.message}); the gallery keeps its ${this.count}`,
      );
    }
    vectors.set(this.vectors.subarray(0, this.count * this.dim));
    personSlots.set(this.personSlots.subarray(0, this.count));
    this.vectors = vectors;
    this.personSlots = personSlots;
    this.capacity = rows;
  }

  /**
   * Adds one template. Refuses (MatchInputError) an empty id, a template id already present, and
   * an embedding of the wrong length or with a non-finite value.
   */
  add(templateId: string, personId: string, embedding: ArrayLike<number>): void {
    checkId('templateId', templateId);
    checkId('personId', personId);
    if (this.rowOfTemplate.has(templateId)) {
      throw new MatchInputError('duplicate-template', `template "${templateId}" is already in the gallery`);
    }
    checkEmbedding(embedding, this.dim, `embedding for template "${templateId}"`);
    if (this.count === this.capacity) this.reserve(Math.max(16, this.capacity * 2));

    const row = this.count;
    const offset = row * this.dim;
    for (let j = 0; j < this.dim; j++) this.vectors[offset + j] = embedding[j] as number;
    this.quantised.write(row, this.vectors, offset);
    this.personSlots[row] = this.slotFor(personId);
    this.templateIds.push(templateId);
    this.rowOfTemplate.set(templateId, row);
    this.count = row + 1;
  }

  /** Removes one template; returns false when the id is not in the gallery. */
  removeTemplate(templateId: string): boolean {
    const row = this.rowOfTemplate.get(templateId);
    if (row === undefined) return false;
    this.removeRow(row);
    return true;
  }

  /** Removes every template of a person; returns how many were removed. */
  removePerson(personId: string): number {
    const slot = this.slotOfPerson.get(personId);
    if (slot === undefined) return 0;
    const templates = this.slotTemplateCounts[slot] as number;
    // Walking down from the end, the row swapped into a hole has already been checked.
    for (let row = this.count - 1; row >= 0; row--) {
      if (this.personSlots[row] === slot) this.removeRow(row);
    }
    return templates;
  }

  private removeRow(row: number): void {
    const last = this.count - 1;
    const templateId = this.templateIds[row] as string;
    const slot = this.personSlots[row] as number;
    if (row !== last) {
      const dim = this.dim;
      this.vectors.copyWithin(row * dim, last * dim, (last + 1) * dim);
      this.quantised.copyRow(last, row);
      this.personSlots[row] = this.personSlots[last] as number;
      const movedId = this.templateIds[last] as string;
      this.templateIds[row] = movedId;
      this.rowOfTemplate.set(movedId, row);
    }
    this.templateIds.pop();
    this.rowOfTemplate.delete(templateId);
    this.count = last;
    this.releaseSlot(slot);
  }

  private slotFor(personId: string): number {
    const existing = this.slotOfPerson.get(personId);
    if (existing !== undefined) {
      this.slotTemplateCounts[existing] = (this.slotTemplateCounts[existing] as number) + 1;
      return existing;
    }
    const slot = this.freeSlots.pop() ?? this.slotPersonIds.length;
    this.slotPersonIds[slot] = personId;
    this.slotTemplateCounts[slot] = 1;
    this.slotOfPerson.set(personId, slot);
    return slot;
  }

  private releaseSlot(slot: number): void {
    const remaining = (this.slotTemplateCounts[slot] as number) - 1;
    this.slotTemplateCounts[slot] = remaining;
    if (remaining > 0) return;
    this.slotOfPerson.delete(this.slotPersonIds[slot] as string);
    this.slotPersonIds[slot] = undefined;
    this.freeSlots.push(slot);
  }
}

function checkId(name: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new MatchInputError('invalid-id', `${name} must be a non-empty string, got ${JSON.stringify(id)}`);
  }
}
