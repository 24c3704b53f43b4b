import { FaceAnalyser, type AnalyseOptions, type ImageAnalysis, type ImageInput } from './analyser/faceAnalyser.js';
import { engineConfigSchema, type EngineConfig } from './config.js';
import { DESCRIPTOR_LENGTH } from './embed/embedStage.js';
import { intersectionOverUnion, type Box, type DetectedFace } from './geometry.js';
import { ImageInputError } from './image/decodeImage.js';
import { faceThumbnail } from './image/faceThumbnail.js';
import { Gallery } from './match/gallery.js';
import { nearest, type NearestResult } from './match/match.js';
import { ModelSet } from './models/modelSet.js';
import type { AnalysedFace } from './pipeline.js';
import { assessEnrolmentQuality, DEFAULT_QUALITY_LIMITS, type QualityLimits } from './quality/faceQuality.js';
import { openStore, type Person, type Removal, type SkippedTemplate, type Store } from './store/index.js';

/** Why one photo was not enrolled; the CLI and the admin screen show `message`. */
export type EnrolRejection =
  | 'unreadable-image'
  | 'no-face'
  | 'several-faces'
  | 'low-quality'
  | 'duplicate-of-another-person';

export type EnrolOutcome =
  | { readonly file: string; readonly ok: true; readonly templateId: number; readonly box: Box }
  | { readonly file: string; readonly ok: false; readonly reason: EnrolRejection; readonly message: string };

export interface IdentifiedFace {
  readonly face: AnalysedFace;
  /** The matched person, or null for an unknown face. */
  readonly person: { readonly id: number; readonly name: string } | null;
  readonly match: NearestResult;
}

export interface FaceEngineOptions {
  readonly modelsDir: string;
  readonly dbPath: string;
  readonly config?: Partial<EngineConfig>;
  readonly qualityLimits?: QualityLimits;
  /** Recorded on every audit entry, e.g. "cli" or "admin". */
  readonly actor?: string;
}

/** A face that passed the enrolment checks, or why it did not. */
export type EnrolVerdict = { readonly ok: true; readonly face: AnalysedFace } | Extract<EnrolOutcome, { ok: false }>;

export interface EnrolOptions {
  readonly employeeCode?: string;
  /** Enrol even when the face already matches another person. */
  readonly force?: boolean;
}

/**
 * The recognition engine behind the CLI, the live loop and the admin screens: photos in, faces,
 * identities and enrolments out. Owns the models, the pipeline, the store and the in-memory
 * gallery, which it keeps in step with the store on every enrolment and removal.
 */
export class FaceEngine {
  private constructor(
    private currentConfig: EngineConfig,
    readonly models: ModelSet,
    /** Detection to descriptors; ONNX Runtime on inference workers unless `config.workers` is 0. */
    readonly analyser: FaceAnalyser,
    readonly store: Store,
    readonly gallery: Gallery,
    readonly modelId: string,
    private readonly qualityLimits: QualityLimits,
    /** Stored templates left out of the gallery because they are corrupt; the callers report them. */
    readonly skippedTemplates: readonly SkippedTemplate[],
  ) {}

  static async open(options: FaceEngineOptions): Promise<FaceEngine> {
    const config = engineConfigSchema.parse(options.config ?? {});
    const models = ModelSet.open(options.modelsDir, {
      intraOpThreads: config.intraOpThreads,
      workers: config.workers,
    });
    const store = openStore(options.dbPath, { actor: options.actor ?? 'engine' });
    try {
      const analyser = await FaceAnalyser.load(models, config);
      const modelId = models.descriptorModelId();
      const gallery = new Gallery({ dim: DESCRIPTOR_LENGTH });
      const stored = store.templates.loadGallery({ modelId, dimension: DESCRIPTOR_LENGTH });
      for (const entry of stored.entries) {
        gallery.add(String(entry.templateId), String(entry.personId), entry.embedding);
      }
      return new FaceEngine(
        config,
        models,
        analyser,
        store,
        gallery,
        modelId,
        options.qualityLimits ?? DEFAULT_QUALITY_LIMITS,
        stored.skipped,
      );
    } catch (error) {
      store.close();
      await models.release();
      throw error;
    }
  }

  get config(): EngineConfig {
    return this.currentConfig;
  }

  /** Changes the threshold `match` uses from now on (a calibrated value applied from the admin screen). */
  setMatchThreshold(threshold: number): void {
    this.currentConfig = engineConfigSchema.parse({ ...this.currentConfig, matchThreshold: threshold });
  }

  async close(): Promise<void> {
    this.store.close();
    await this.analyser.close();
  }

  /** Every face in a photo, largest first (see FaceAnalyser for the fallbacks on tight crops). */
  analyseFile(path: string, options: AnalyseOptions = {}): Promise<ImageAnalysis> {
    return this.analyser.analyse({ kind: 'file', path }, options);
  }

  /** Faces given as boxes (e.g. the LFW protocol's fallbacks), analysed and described. */
  async analyseBoxes(path: string, faces: readonly DetectedFace[]): Promise<AnalysedFace[]> {
    return (await this.analyseFile(path, { faces })).faces;
  }

  match(descriptor: Float32Array, threshold = this.currentConfig.matchThreshold): NearestResult {
    return nearest(this.gallery, descriptor, { threshold });
  }

  personOf(match: NearestResult): { id: number; name: string } | null {
    if (match.personId === null) return null;
    const person = this.store.people.get(Number(match.personId));
    return person ? { id: person.id, name: person.name } : null;
  }

  async identifyFile(path: string): Promise<IdentifiedFace[]> {
    const { faces } = await this.analyseFile(path);
    return faces.map((face) => {
      const match = this.match(face.descriptor as Float32Array);
      return { face, person: this.personOf(match), match };
    });
  }

  /**
   * Adds one template per accepted photo. A photo is refused when it cannot be read, shows no face
   * or several, fails the quality gate, or already matches someone else (unless forced). Nothing
   * is written for a refused photo; the person is created with their first accepted one, whose
   * face also becomes their thumbnail.
   */
  async enrol(name: string, files: readonly string[], options: EnrolOptions = {}): Promise<EnrolOutcome[]> {
    const outcomes: EnrolOutcome[] = [];
    for (const file of files) {
      let faces: AnalysedFace[];
      try {
        faces = (await this.analyseFile(file)).faces;
      } catch (error) {
        if (!(error instanceof ImageInputError)) throw error;
        outcomes.push({ file, ok: false, reason: 'unreadable-image', message: error.message });
        continue;
      }
      const verdict = this.checkEnrolmentFaces(file, faces, name, options.force ?? false);
      if (!verdict.ok) {
        outcomes.push(verdict);
        continue;
      }
      const { templateId } = await this.addEnrolledFace(
        name,
        verdict.face,
        { kind: 'file', path: file },
        file,
        options,
      );
      outcomes.push({ file, ok: true, templateId, box: verdict.face.box });
    }
    return outcomes;
  }

  /**
   * Whether the faces of one photo or camera frame (largest first, as the analyser gives them)
   * make a good enrolment for `name`: one person, passing the quality gate, and not already
   * matching someone else (unless forced). `label` (a path, "camera") starts every message.
   */
  checkEnrolmentFaces(label: string, faces: readonly AnalysedFace[], name: string, force: boolean): EnrolVerdict {
    const refuse = (reason: EnrolRejection, message: string) => ({ file: label, ok: false as const, reason, message });
    if (faces.length === 0) return refuse('no-face', `${label}: no face found`);
    const [face, second] = faces as [AnalysedFace, ...AnalysedFace[]];
    // A much smaller second face (someone in the background) does not make the photo ambiguous.
    if (second && second.box.width > face.box.width * 0.6 && intersectionOverUnion(face.box, second.box) < 0.3) {
      return refuse('several-faces', `${label}: ${faces.length} faces found; an enrolment photo must show one person`);
    }
    const quality = assessEnrolmentQuality(face.quality, this.qualityLimits);
    if (!quality.ok) return refuse('low-quality', `${label}: ${quality.reasons.join('; ')}`);
    const match = this.match(face.descriptor as Float32Array);
    const personId = this.store.people.findByName(name)?.id ?? null;
    if (!force && match.personId !== null && Number(match.personId) !== personId) {
      const other = this.personOf(match);
      return refuse(
        'duplicate-of-another-person',
        `${label}: this face matches ${other ? `"${other.name}"` : 'another person'} (distance ${match.distance?.toFixed(3)}); use --force if they really are different people`,
      );
    }
    return { ok: true, face };
  }

  /**
   * Stores a checked face (checkEnrolmentFaces) as a template of `name`, creating the person when
   * absent; it becomes their thumbnail when they have none. `image` is what the face was found in;
   * `source` is recorded with the template (the photo's path, or "camera").
   */
  async addEnrolledFace(
    name: string,
    face: AnalysedFace,
    image: ImageInput,
    source: string,
    options: Pick<EnrolOptions, 'employeeCode'> = {},
  ): Promise<{ person: Person; templateId: number }> {
    const existing = this.store.people.findByName(name);
    const thumbnail =
      existing && this.store.people.thumbnail(existing.id) !== null
        ? null
        : await faceThumbnail(image, face.box, this.currentConfig.maxImagePixels);
    const person =
      existing ??
      this.store.people.add({ name, ...(options.employeeCode ? { employeeCode: options.employeeCode } : {}) });
    const template = this.store.templates.add(person.id, {
      embedding: face.descriptor as Float32Array,
      modelId: this.modelId,
      source,
      quality: {
        interOcularPx: face.quality.interOcularPx,
        sharpness: face.quality.sharpness,
        brightness: face.quality.brightness,
        frontalness: face.quality.frontalness,
      },
    });
    this.gallery.add(String(template.id), String(person.id), face.descriptor as Float32Array);
    if (thumbnail) this.store.people.setThumbnail(person.id, thumbnail);
    return { person, templateId: template.id };
  }

  /** Removes the active person of this name and their templates from the store and the gallery. */
  removePerson(name: string): { name: string; templatesDeleted: number; outcome: 'deleted' | 'deactivated' } | null {
    const person = this.store.people.findByName(name);
    if (!person) return null;
    const removal = this.removePersonById(person.id);
    return { name: person.name, templatesDeleted: removal.templatesDeleted, outcome: removal.outcome };
  }

  /** Removes a person (templates and thumbnail) from the store and the gallery; StoreError for an unknown id. */
  removePersonById(personId: number): Removal {
    const removal = this.store.people.remove(personId);
    this.gallery.removePerson(String(personId));
    return removal;
  }
}
