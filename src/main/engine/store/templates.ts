import { requireId, requireText, type StoreContext } from './context.js';
import { decodeEmbedding, encodeEmbedding } from './embeddingBlob.js';
import { ModelMismatchError, StoreError } from './errors.js';
import { describePerson } from './people.js';

/** Quality measurements taken at enrolment (detector score, sharpness, face size, …). */
export type TemplateQuality = Readonly<Record<string, number>>;

export interface NewTemplate {
  readonly embedding: ArrayLike<number>;
  /** The embedding model's manifest id and sha256 prefix, e.g. `faceRecognition@1a2b3c4d5e6f`. */
  readonly modelId: string;
  /** Where the face came from: an image path, 'camera', … */
  readonly source: string;
  readonly quality?: TemplateQuality;
}

export interface TemplateInfo {
  readonly id: number;
  readonly personId: number;
  readonly modelId: string;
  readonly dimension: number;
  readonly source: string;
  readonly quality: TemplateQuality;
  readonly createdAt: Date;
}

export interface GalleryEntry {
  readonly templateId: number;
  readonly personId: number;
  readonly personName: string;
  readonly embedding: Float32Array;
}

/** A stored template that cannot be used; it is left in the database for the admin to replace. */
export interface SkippedTemplate {
  readonly templateId: number;
  readonly personId: number;
  readonly personName: string;
  readonly message: string;
}

export interface Gallery {
  readonly entries: GalleryEntry[];
  /** Corrupt rows (wrong length, wrong dimension, non-finite values): skipped, never half-used. */
  readonly skipped: SkippedTemplate[];
}

export interface TemplatesRepository {
  /** Stores one template for an active person, with its audit entry, in one transaction. */
  add(personId: number, template: NewTemplate): TemplateInfo;
  listForPerson(personId: number): TemplateInfo[];
  /**
   * Every active person's templates for the current model. Throws ModelMismatchError when any
   * template was made by another model, rather than mixing incomparable embeddings.
   */
  loadGallery(model: { readonly modelId: string; readonly dimension: number }): Gallery;
  deleteForPerson(personId: number): number;
  /** Deletes every template not made by `currentModelId` (those people must be enrolled again). */
  deleteMadeByOtherModels(currentModelId: string): number;
  count(modelId?: string): number;
}

/** The command the model-mismatch message points to; the CLI must provide it. */
export const PRUNE_STALE_TEMPLATES_COMMAND = 'clockface templates prune-stale';

const MAX_MODEL_ID_LENGTH = 200;
const MAX_SOURCE_LENGTH = 4096;

interface TemplateRow {
  id: number;
  person_id: number;
  model_id: string;
  dimension: number;
  source: string;
  quality: string;
  created_at: number;
}

interface GalleryRow {
  id: number;
  person_id: number;
  person_name: string;
  dimension: number;
  embedding: Buffer;
}

function requireQuality(quality: TemplateQuality): TemplateQuality {
  for (const [name, value] of Object.entries(quality)) {
    if (name === '' || typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StoreError('invalid-input', `template quality "${name}" must be a finite number, got ${String(value)}`);
    }
  }
  return quality;
}

function toTemplateInfo(row: TemplateRow): TemplateInfo {
  return {
    id: row.id,
    personId: row.person_id,
    modelId: row.model_id,
    dimension: row.dimension,
    source: row.source,
    quality: JSON.parse(row.quality) as TemplateQuality,
    createdAt: new Date(row.created_at),
  };
}

export function createTemplatesRepository(ctx: StoreContext): TemplatesRepository {
  const { db } = ctx;
  const columns = 'id, person_id, model_id, dimension, source, quality, created_at';
  const selectPerson = db.prepare<[number], { id: number; name: string; active: number }>(
    'SELECT id, name, active FROM people WHERE id = ?',
  );
  const insert = db.prepare<[number, string, number, Buffer, string, string, number], TemplateRow>(
    `INSERT INTO templates (person_id, model_id, dimension, embedding, quality, source, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${columns}`,
  );
  const selectForPerson = db.prepare<[number], TemplateRow>(
    `SELECT ${columns} FROM templates WHERE person_id = ? ORDER BY id`,
  );
  const selectStale = db.prepare<[string], { modelId: string; count: number }>(
    'SELECT model_id AS modelId, COUNT(*) AS count FROM templates WHERE model_id <> ? GROUP BY model_id ORDER BY model_id',
  );
  const selectGallery = db.prepare<[string], GalleryRow>(`
    SELECT t.id, t.person_id, p.name AS person_name, t.dimension, t.embedding
    FROM templates t JOIN people p ON p.id = t.person_id
    WHERE t.model_id = ? AND p.active = 1
    ORDER BY t.person_id, t.id`);
  const deleteByPerson = db.prepare<[number]>('DELETE FROM templates WHERE person_id = ?');
  const deleteOtherModels = db.prepare<[string]>('DELETE FROM templates WHERE model_id <> ?');
  const countAll = db.prepare<[], number>('SELECT COUNT(*) FROM templates').pluck();
  const countByModel = db.prepare<[string], number>('SELECT COUNT(*) FROM templates WHERE model_id = ?').pluck();

  const requirePerson = (personId: number) => {
    const person = selectPerson.get(requireId(personId, 'person id'));
    if (!person) throw new StoreError('person-not-found', `no person with id ${personId}`);
    return person;
  };

  const readGallery = (modelId: string, dimension: number): Gallery => {
    const stale = selectStale.all(modelId);
    if (stale.length > 0) {
      throw new ModelMismatchError(
        modelId,
        stale,
        `re-enrol those people, or run "${PRUNE_STALE_TEMPLATES_COMMAND}" to delete the old templates`,
      );
    }
    const gallery: Gallery = { entries: [], skipped: [] };
    for (const row of selectGallery.iterate(modelId)) {
      const person = { id: row.person_id, name: row.person_name };
      try {
        if (row.dimension !== dimension) {
          throw new StoreError('invalid-embedding', `it has ${row.dimension} values, the model gives ${dimension}`);
        }
        const embedding = decodeEmbedding(row.embedding, dimension);
        gallery.entries.push({ templateId: row.id, personId: person.id, personName: person.name, embedding });
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        gallery.skipped.push({
          templateId: row.id,
          personId: person.id,
          personName: person.name,
          message: `template ${row.id} of ${describePerson(person)} is corrupt (${error.message}): re-enrol this person`,
        });
      }
    }
    return gallery;
  };

  return {
    add: (personId, template) => {
      const modelId = requireText(template.modelId, 'model id', MAX_MODEL_ID_LENGTH);
      const source = requireText(template.source, 'template source', MAX_SOURCE_LENGTH);
      const quality = JSON.stringify(requireQuality(template.quality ?? {}));
      const blob = encodeEmbedding(template.embedding);
      return ctx.write(() => {
        const person = requirePerson(personId);
        if (person.active !== 1) {
          throw new StoreError(
            'person-removed',
            `${describePerson(person)} was removed; restore them before enrolling`,
          );
        }
        const dimension = template.embedding.length;
        const row = insert.get(personId, modelId, dimension, blob, quality, source, ctx.now().getTime());
        if (!row) throw new StoreError('sqlite-error', `${ctx.path}: the new template was not stored`);
        ctx.audit('template.add', { templateId: row.id, personId, modelId, source });
        return toTemplateInfo(row);
      });
    },

    listForPerson: (personId) =>
      ctx.read(() => selectForPerson.all(requireId(personId, 'person id')).map(toTemplateInfo)),

    loadGallery: ({ modelId, dimension }) => {
      const currentModelId = requireText(modelId, 'model id', MAX_MODEL_ID_LENGTH);
      requireId(dimension, 'embedding dimension');
      // One read transaction: the mismatch check and the rows come from the same snapshot.
      return ctx.read(() => db.transaction(() => readGallery(currentModelId, dimension)).deferred());
    },

    deleteForPerson: (personId) =>
      ctx.write(() => {
        requirePerson(personId);
        const deleted = deleteByPerson.run(personId).changes;
        if (deleted > 0) ctx.audit('templates.delete', { personId, deleted });
        return deleted;
      }),

    deleteMadeByOtherModels: (currentModelId) => {
      const modelId = requireText(currentModelId, 'model id', MAX_MODEL_ID_LENGTH);
      return ctx.write(() => {
        const deleted = deleteOtherModels.run(modelId).changes;
        if (deleted > 0) ctx.audit('templates.prune', { keptModelId: modelId, deleted });
        return deleted;
      });
    },

    count: (modelId) => ctx.read(() => (modelId === undefined ? countAll.get() : countByModel.get(modelId)) ?? 0),
  };
}
