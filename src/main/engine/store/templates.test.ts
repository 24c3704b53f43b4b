import { describe, expect, it } from 'vitest';
import { encodeEmbedding } from './embeddingBlob.js';
import { ModelMismatchError, StoreError } from './errors.js';
import { testEmbedding, useTempStores } from './testStore.js';

const MODEL = 'faceRecognition@5e6f7a8b9c0d';
const model = { modelId: MODEL, dimension: 128 };

describe('templates', () => {
  const temp = useTempStores();

  it('stores a template with its quality and reads it back exactly in the gallery', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    const info = store.templates.add(grace.id, {
      embedding: testEmbedding(1),
      modelId: MODEL,
      source: '/photos/grace.jpg',
      quality: { detectionScore: 0.987, faceWidth: 212, sharpness: 143.5 },
    });
    store.templates.add(ada.id, { embedding: testEmbedding(2), modelId: MODEL, source: 'camera' });

    expect(info).toMatchObject({
      id: 1,
      personId: grace.id,
      modelId: MODEL,
      dimension: 128,
      source: '/photos/grace.jpg',
      quality: { detectionScore: 0.987, faceWidth: 212, sharpness: 143.5 },
    });
    expect(store.templates.listForPerson(grace.id)).toEqual([info]);
    const gallery = store.templates.loadGallery(model);
    expect(gallery.skipped).toEqual([]);
    expect(gallery.entries.map((e) => [e.templateId, e.personId, e.personName])).toEqual([
      [2, ada.id, 'Ada'],
      [1, grace.id, 'Grace'],
    ]);
    expect(gallery.entries[1]?.embedding).toEqual(testEmbedding(1));
    expect(store.templates.count()).toBe(2);
    expect(store.templates.count(MODEL)).toBe(2);
    expect(store.audit.list({ limit: 1 })[0]?.details).toEqual({
      templateId: 2,
      personId: ada.id,
      modelId: MODEL,
      source: 'camera',
    });
  });

  it('refuses to mix templates made by another model, and can prune them', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    store.templates.add(ada.id, { embedding: testEmbedding(1), modelId: MODEL, source: 'camera' });
    store.templates.add(ada.id, { embedding: testEmbedding(2), modelId: 'faceRecognition@old000', source: 'camera' });
    store.templates.add(grace.id, { embedding: testEmbedding(3), modelId: 'faceRecognition@old000', source: 'x.jpg' });
    store.templates.add(grace.id, { embedding: testEmbedding(4, 512), modelId: 'arcface@1234', source: 'x.jpg' });

    let caught: unknown;
    try {
      store.templates.loadGallery(model);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelMismatchError);
    const mismatch = caught as ModelMismatchError;
    expect(mismatch.code).toBe('model-mismatch');
    expect(mismatch.stale).toEqual([
      { modelId: 'arcface@1234', count: 1 },
      { modelId: 'faceRecognition@old000', count: 2 },
    ]);
    expect(mismatch.message).toBe(
      `1 template was made by model arcface@1234, 2 templates were made by model faceRecognition@old000; this engine uses ${MODEL}: re-enrol those people, or run "clockface templates prune-stale" to delete the old templates`,
    );

    expect(store.templates.deleteMadeByOtherModels(MODEL)).toBe(3);
    expect(store.templates.loadGallery(model).entries.map((e) => e.personName)).toEqual(['Ada']);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'templates.prune',
      details: { keptModelId: MODEL, deleted: 3 },
    });
  });

  it('skips corrupt rows, reporting person and row, and still loads the good ones', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    const add = (personId: number, seed: number) =>
      store.templates.add(personId, { embedding: testEmbedding(seed), modelId: MODEL, source: 'camera' }).id;
    const good = add(ada.id, 1);
    const withNaN = add(ada.id, 2);
    const truncated = add(grace.id, 3);
    const wrongDimension = add(grace.id, 4);

    const raw = temp.raw();
    const nanBlob = encodeEmbedding(testEmbedding(2));
    nanBlob.writeFloatLE(Number.NaN, 4 * 17);
    raw.prepare('UPDATE templates SET embedding = ? WHERE id = ?').run(nanBlob, withNaN);
    // The schema's CHECK refuses a blob of the wrong length, so damage has to get past it.
    expect(() => raw.prepare('UPDATE templates SET embedding = zeroblob(508) WHERE id = ?').run(truncated)).toThrow(
      'CHECK constraint failed',
    );
    raw.pragma('ignore_check_constraints = ON');
    raw.prepare('UPDATE templates SET embedding = zeroblob(508) WHERE id = ?').run(truncated);
    raw.prepare('UPDATE templates SET dimension = 64, embedding = zeroblob(256) WHERE id = ?').run(wrongDimension);

    const gallery = store.templates.loadGallery(model);
    expect(gallery.entries.map((e) => e.templateId)).toEqual([good]);
    expect(gallery.skipped).toEqual([
      {
        templateId: withNaN,
        personId: ada.id,
        personName: 'Ada',
        message: `template ${withNaN} of "Ada" (person 1) is corrupt (embedding value 17 is NaN): re-enrol this person`,
      },
      {
        templateId: truncated,
        personId: grace.id,
        personName: 'Grace',
        message: `template ${truncated} of "Grace" (person 2) is corrupt (embedding is 508 bytes, expected 512 (128 float32 values)): re-enrol this person`,
      },
      {
        templateId: wrongDimension,
        personId: grace.id,
        personName: 'Grace',
        message: `template ${wrongDimension} of "Grace" (person 2) is corrupt (it has 64 values, the model gives 128): re-enrol this person`,
      },
    ]);
    // Skipped rows stay in the database for the admin to replace.
    expect(store.templates.count()).toBe(4);
  });

  it('refuses bad templates before writing anything', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const ok = { embedding: testEmbedding(1), modelId: MODEL, source: 'camera' };
    const nan = testEmbedding(1);
    nan[5] = Number.NaN;
    expect(() => store.templates.add(ada.id, { ...ok, embedding: nan })).toThrow(
      'embedding value 5 is NaN, not a finite float32',
    );
    expect(() => store.templates.add(ada.id, { ...ok, modelId: ' ' })).toThrow('model id is empty');
    expect(() => store.templates.add(ada.id, { ...ok, quality: { sharpness: Number.POSITIVE_INFINITY } })).toThrow(
      'template quality "sharpness" must be a finite number, got Infinity',
    );
    expect(() => store.templates.add(99, ok)).toThrow('no person with id 99');
    store.attendance.record({ personId: ada.id, occurredAt: new Date(), kind: 'in', distance: 0.2, source: 'kiosk' });
    store.people.remove(ada.id);
    expect(() => store.templates.add(ada.id, ok)).toThrow(
      '"Ada" (person 1) was removed; restore them before enrolling',
    );
    expect(store.templates.count()).toBe(0);
    expect(store.audit.list().map((e) => e.action)).toEqual(['person.remove', 'person.add']);
  });

  it('deletes one person’s templates with an audit entry', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    store.templates.add(ada.id, { embedding: testEmbedding(1), modelId: MODEL, source: 'camera' });
    store.templates.add(ada.id, { embedding: testEmbedding(2), modelId: MODEL, source: 'camera' });
    store.templates.add(grace.id, { embedding: testEmbedding(3), modelId: MODEL, source: 'camera' });
    expect(store.templates.deleteForPerson(ada.id)).toBe(2);
    expect(store.templates.deleteForPerson(ada.id)).toBe(0);
    expect(store.templates.count()).toBe(1);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'templates.delete',
      details: { personId: ada.id, deleted: 2 },
    });
  });

  it('writes the template and its audit entry together or not at all', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const raw = temp.raw();
    const ok = { embedding: testEmbedding(1), modelId: MODEL, source: 'camera' };

    // The audit insert fails after the template row went in: the template must roll back too.
    raw.exec("CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    expect(() => store.templates.add(ada.id, ok)).toThrow(StoreError);
    expect(() => store.templates.add(ada.id, ok)).toThrow(`${temp.file()}: audit refused (SQLITE_CONSTRAINT_TRIGGER)`);
    expect(store.templates.count()).toBe(0);
    raw.exec('DROP TRIGGER audit_fails');

    // The template insert fails: no audit entry may claim it happened.
    raw.exec("CREATE TRIGGER template_fails BEFORE INSERT ON templates BEGIN SELECT RAISE(ABORT, 'disk said no'); END");
    expect(() => store.templates.add(ada.id, ok)).toThrow('disk said no');
    expect(store.audit.list().map((e) => e.action)).toEqual(['person.add']);
    raw.exec('DROP TRIGGER template_fails');

    expect(store.templates.add(ada.id, ok).id).toBe(1);
    expect(store.audit.list().map((e) => e.action)).toEqual(['template.add', 'person.add']);
  });
});
