import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import cliProgress from 'cli-progress';
import { FaceAnalyser } from '../engine/analyser/faceAnalyser.js';
import { engineConfigSchema, type EngineConfig } from '../engine/config.js';
import {
  describeLargestFace,
  evaluateIdentification,
  evaluatePairs,
  listPeopleFolders,
  splitPeople,
  type IdentSplit,
  type LabelledDescriptor,
} from '../engine/evaluation/evaluate.js';
import { FaceEngine, type EnrolOutcome } from '../engine/faceEngine.js';
import { enrolPeople, type PersonImport } from '../engine/enrolPeople.js';
import type { Box } from '../engine/geometry.js';
import { euclideanDistance } from '../engine/match/match.js';
import { ModelSet } from '../engine/models/modelSet.js';
import type { AnalysedFace } from '../engine/pipeline.js';
import { openStore } from '../engine/store/index.js';
import { demoCommand } from './demoCommand.js';
import { exportCommand } from './exportCommand.js';
import { CommandError, round, type CommandOutput } from './output.js';
import { runCommand } from './runCommand.js';

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly output: CommandOutput;
  readonly dbPath: string;
  readonly modelsDir: string;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options: ParseArgsConfig['options'];
  /** Resolves to the exit code. */
  run(context: CommandContext): Promise<number>;
}

const ENGINE_OPTIONS = {
  detector: { type: 'string' },
  threshold: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

function engineConfig(options: CommandContext['options']): Partial<EngineConfig> {
  const raw: Record<string, unknown> = {};
  if (typeof options['detector'] === 'string') raw['detector'] = options['detector'];
  const threshold = options['threshold'];
  if (typeof threshold === 'string') {
    // Number('') is 0 and Number('abc') NaN: say what was wrong rather than pass them on.
    const value = Number(threshold);
    if (threshold.trim() === '' || Number.isNaN(value)) {
      throw new CommandError(`--threshold must be a number, got "${threshold}"`, 2);
    }
    raw['matchThreshold'] = value;
  }
  const parsed = engineConfigSchema.partial().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path[0] === 'matchThreshold' ? 'threshold' : String(issue?.path[0] ?? 'option');
    throw new CommandError(`invalid --${option} "${String(options[option])}": ${issue?.message ?? 'invalid'}`, 2);
  }
  return parsed.data;
}

/** Opens the engine and warns on stderr about every stored template it had to leave out. */
async function openEngine(context: CommandContext, dbPath = context.dbPath): Promise<FaceEngine> {
  const engine = await FaceEngine.open({
    modelsDir: context.modelsDir,
    dbPath,
    config: engineConfig(context.options),
    actor: 'cli',
  });
  for (const skipped of engine.skippedTemplates) context.output.note(`clockface: warning: ${skipped.message}`);
  return engine;
}

/** Evaluations store nothing: they run against a throwaway database. */
async function withScratchEngine<T>(context: CommandContext, work: (engine: FaceEngine) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'clockface-eval-'));
  const engine = await openEngine(context, join(dir, 'scratch.db'));
  try {
    return await work(engine);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function requirePositionals(context: CommandContext, count: number, usage: string): readonly string[] {
  if (context.positionals.length < count) throw new CommandError(`usage: clockface ${usage}`, 2);
  return context.positionals;
}

function requireFolder(dir: string): void {
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(code === 'ENOENT' ? `${dir}: folder not found` : `${dir}: cannot read the folder (${code})`);
  }
  if (!stats.isDirectory()) throw new CommandError(`${dir} is not a folder`);
}

function requireOption(context: CommandContext, name: string): string {
  const value = context.options[name];
  if (typeof value !== 'string' || value.length === 0) throw new CommandError(`--${name} <value> is required`, 2);
  return value;
}

const boxArray = (face: { readonly box: Box }): number[] =>
  [face.box.x, face.box.y, face.box.width, face.box.height].map((v) => round(v, 1));

/** A progress bar on a terminal's stderr; silent when stderr is a pipe or file. */
function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

function printOutcomes(output: CommandOutput, name: string, outcomes: readonly EnrolOutcome[]): void {
  for (const outcome of outcomes) {
    output.line(outcome.ok ? `enrolled  ${outcome.file} as ${name}` : `rejected  ${outcome.message}`);
  }
}

const describe: Command = {
  usage: '<image...>',
  summary: 'find the faces in photos and describe each (box, landmarks, quality, descriptor)',
  options: { detector: { type: 'string' } },
  async run(context) {
    const files = requirePositionals(context, 1, 'describe <image...>');
    const config = engineConfigSchema.parse(engineConfig(context.options));
    const models = ModelSet.open(context.modelsDir, { intraOpThreads: config.intraOpThreads, workers: config.workers });
    try {
      const analyser = await FaceAnalyser.load(models, config);
      const report = [];
      for (const file of files) {
        // What the detector finds, without the tight-crop fallbacks enrolment uses.
        const analysis = await analyser.analyse({ kind: 'file', path: file }, { fallbacks: false });
        const faces = analysis.faces.map((face) => ({
          box: boxArray(face),
          score: round(face.score, 3),
          leftEye: centre(face, 36),
          rightEye: centre(face, 42),
          quality: {
            interOcularPx: round(face.quality.interOcularPx, 1),
            sharpness: round(face.quality.sharpness, 1),
            brightness: round(face.quality.brightness, 1),
            frontalness: round(face.quality.frontalness, 3),
          },
          descriptor: face.descriptor ? Array.from(face.descriptor, (v) => round(v, 5)) : null,
        }));
        report.push({
          image: file,
          width: analysis.width,
          height: analysis.height,
          faces,
          timingsMs: analysis.timings,
        });
        context.output.line(`${file}: ${analysis.width}x${analysis.height}, ${faces.length} face(s)`);
        faces.forEach((face, index) => {
          const [x, y, w, h] = face.box;
          const { interOcularPx, sharpness, frontalness } = face.quality;
          context.output.line(
            `  face ${index + 1}: box ${x},${y} ${w}x${h}  score ${face.score}  eyes ${interOcularPx} px apart  ` +
              `sharpness ${sharpness}  frontalness ${frontalness}  descriptor 128-d`,
          );
        });
        const distances = analysis.faces.flatMap((a, i, all) =>
          all
            .slice(i + 1)
            .map(
              (b, j) =>
                `faces ${i + 1}-${i + j + 2}: ${round(euclideanDistance(a.descriptor ?? [], b.descriptor ?? []), 3)}`,
            ),
        );
        if (distances.length > 0)
          context.output.line(
            `  descriptor distances (same person below ${config.matchThreshold}): ${distances.join(', ')}`,
          );
      }
      context.output.document(report);
      return 0;
    } finally {
      await models.release();
    }
  },
};

function centre(face: AnalysedFace, first: number): [number, number] {
  const points = face.landmarks.slice(first, first + 6);
  const x = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const y = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  return [round(x, 1), round(y, 1)];
}

const enroll: Command = {
  usage: '<name> <image...> [--employee-code C] [--force]',
  summary: 'enrol a person from photos (one face each, quality-checked, not already someone else)',
  options: { ...ENGINE_OPTIONS, force: { type: 'boolean', default: false }, 'employee-code': { type: 'string' } },
  async run(context) {
    const [name, ...files] = requirePositionals(context, 2, 'enroll <name> <image...>');
    const engine = await openEngine(context);
    try {
      const code = context.options['employee-code'];
      const outcomes = await engine.enrol(name as string, files, {
        force: context.options['force'] === true,
        ...(typeof code === 'string' ? { employeeCode: code } : {}),
      });
      printOutcomes(context.output, name as string, outcomes);
      // Boxes as [x, y, width, height], as identify reports them.
      const report = outcomes.map((o) => (o.ok ? { ...o, box: boxArray(o) } : o));
      context.output.document({ name, outcomes: report });
      const refused = outcomes.filter((outcome) => !outcome.ok).length;
      if (refused > 0) throw new CommandError(`${refused} of ${outcomes.length} photo(s) were not enrolled`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};

const importCommand: Command = {
  usage: '<dir>',
  summary: 'enrol everyone in <dir>/<person>/<images>, continuing past bad photos',
  options: { ...ENGINE_OPTIONS, force: { type: 'boolean', default: false } },
  async run(context) {
    const [dir] = requirePositionals(context, 1, 'import <dir>');
    requireFolder(dir as string);
    const people = listPeopleFolders(dir as string);
    if (people.length === 0) throw new CommandError(`${dir}: no <person>/<images> folders found`);
    const engine = await openEngine(context);
    const bar = progressBar('importing');
    let results: PersonImport[];
    try {
      results = await enrolPeople(engine, people, {
        force: context.options['force'] === true,
        onProgress: (done, total) => bar.update(done, total),
      });
    } finally {
      bar.stop();
      await engine.close();
    }
    const enrolled = results.flatMap((r) => r.outcomes).filter((o) => o.ok).length;
    const rejected = results.flatMap((r) => r.outcomes.flatMap((o) => (o.ok ? [] : [o])));
    for (const { person, outcomes } of results) printOutcomes(context.output, person, outcomes);
    context.output.line(
      `${enrolled} photo(s) enrolled for ${results.filter((r) => r.outcomes.some((o) => o.ok)).length} people, ${rejected.length} rejected`,
    );
    context.output.document({
      enrolled,
      rejected: rejected.map(({ file, reason, message }) => ({ file, reason, message })),
      people: results.map(({ person, outcomes }) => ({ name: person, enrolled: outcomes.filter((o) => o.ok).length })),
    });
    if (enrolled === 0) throw new CommandError(`no photo in ${dir} could be enrolled`);
    return 0;
  },
};

const peopleCommand: Command = {
  usage: '',
  summary: 'list enrolled people with their template counts',
  options: {},
  async run(context) {
    const engine = await openEngine(context);
    try {
      const people = engine.store.people.list();
      for (const person of people) {
        context.output.line(
          `${person.name}${person.employeeCode ? ` (${person.employeeCode})` : ''}: ${person.templateCount} template(s)`,
        );
      }
      if (people.length === 0) context.output.line('nobody is enrolled yet');
      context.output.document(
        people.map((p) => ({
          id: p.id,
          name: p.name,
          employeeCode: p.employeeCode,
          templates: p.templateCount,
          lastSeenAt: p.lastSeenAt,
        })),
      );
      return 0;
    } finally {
      await engine.close();
    }
  },
};

const remove: Command = {
  usage: '<name>',
  summary: 'remove a person and their templates (their attendance history is kept)',
  options: {},
  async run(context) {
    const [name] = requirePositionals(context, 1, 'remove <name>');
    const engine = await openEngine(context);
    try {
      const removed = engine.removePerson(name as string);
      if (!removed) throw new CommandError(`nobody called "${name}" is enrolled`);
      context.output.line(`removed ${removed.name} (${removed.templatesDeleted} template(s) deleted)`);
      context.output.document(removed);
      return 0;
    } finally {
      await engine.close();
    }
  },
};

const identify: Command = {
  usage: '<image...> [--threshold T]',
  summary: 'name every face in photos, or say unknown',
  options: ENGINE_OPTIONS,
  async run(context) {
    const files = requirePositionals(context, 1, 'identify <image...>');
    const engine = await openEngine(context);
    const report: {
      image: string;
      faces?: { box: number[]; name: string | null; distance: number | null }[];
      error?: string;
    }[] = [];
    try {
      for (const file of files) {
        try {
          const faces = (await engine.identifyFile(file)).map(({ face, person, match }) => ({
            box: boxArray(face),
            name: person?.name ?? null,
            distance: match.distance === null ? null : round(match.distance),
          }));
          report.push({ image: file, faces });
          context.output.line(`${file}: ${faces.length} face(s)`);
          for (const face of faces) {
            context.output.line(
              `  ${face.name ?? 'unknown'}  box ${face.box.join(',')}  distance ${face.distance ?? '-'}`,
            );
          }
        } catch (error) {
          const message = (error as Error).message;
          report.push({ image: file, error: message });
          context.output.line(`${file}: ${message}`);
        }
      }
    } finally {
      await engine.close();
    }
    context.output.document(report);
    const failed = report.filter((entry) => entry.error).length;
    if (failed > 0) throw new CommandError(`${failed} of ${files.length} image(s) could not be read`);
    return 0;
  },
};

const verify: Command = {
  usage: '<a> <b> [--threshold T]',
  summary: 'are the main faces of two photos the same person?',
  options: ENGINE_OPTIONS,
  async run(context) {
    const [a, b] = requirePositionals(context, 2, 'verify <a> <b>');
    const engine = await openEngine(context);
    try {
      // One after the other: OpenCV's Haar cascade (the engine's fallback) gives wrong boxes when
      // two detections run on it at once.
      const faceA = await engine.analyseFile(a as string);
      const faceB = await engine.analyseFile(b as string);
      for (const [file, analysis] of [
        [a, faceA],
        [b, faceB],
      ] as const) {
        if (!analysis.faces[0]?.descriptor) throw new CommandError(`${file}: no face found`);
      }
      const distance = euclideanDistance(faceA.faces[0]?.descriptor ?? [], faceB.faces[0]?.descriptor ?? []);
      const threshold = engine.config.matchThreshold;
      const same = distance <= threshold;
      context.output.line(
        `${same ? 'same person' : 'different people'} (distance ${round(distance)}, threshold ${threshold})`,
      );
      context.output.document({ same, distance: round(distance), threshold });
      return 0;
    } finally {
      await engine.close();
    }
  },
};

const evalPairs: Command = {
  usage: '--pairs <pairs.txt> --images <root>',
  summary: 'LFW-protocol verification accuracy, AUC and TAR at FAR 1e-3',
  options: { ...ENGINE_OPTIONS, pairs: { type: 'string' }, images: { type: 'string' } },
  async run(context) {
    const pairsPath = requireOption(context, 'pairs');
    const imagesRoot = requireOption(context, 'images');
    const bar = progressBar('describing');
    const result = await withScratchEngine(context, (engine) =>
      evaluatePairs(engine, pairsPath, imagesRoot, (done, total) => bar.update(done, total)),
    ).finally(() => bar.stop());
    const rounded = {
      ...result,
      accuracy: round(result.accuracy),
      std: round(result.std),
      auc: round(result.auc),
      tarAtFar1e3: round(result.tarAtFar1e3),
      threshold: round(result.threshold),
    };
    context.output.line(
      `accuracy ${(result.accuracy * 100).toFixed(2)} %${result.std ? ` ± ${(result.std * 100).toFixed(2)}` : ''} on ${result.pairs} pairs ` +
        `(threshold ${rounded.threshold}), AUC ${rounded.auc}, TAR ${rounded.tarAtFar1e3} at FAR 1e-3, ${result.fallbacks} fallback face(s)`,
    );
    context.output.document(rounded);
    return 0;
  },
};

function parseSplit(value: string): IdentSplit {
  if (value === 'odd-even') return { kind: 'odd-even' };
  const first = /^first-(\d+)$/.exec(value);
  if (first) return { kind: 'first', count: Number(first[1]) };
  throw new CommandError(`--split must be "odd-even" or "first-N", got "${value}"`, 2);
}

const evalIdent: Command = {
  usage: '--gallery <dir> (--probes <dir> | --split odd-even|first-N)',
  summary: 'closed-set accuracy and open-set false accepts of nearest, k-NN and linear matching',
  options: { ...ENGINE_OPTIONS, gallery: { type: 'string' }, probes: { type: 'string' }, split: { type: 'string' } },
  async run(context) {
    const galleryDir = requireOption(context, 'gallery');
    const probesDir = context.options['probes'];
    const splitOption = context.options['split'];
    if ((typeof probesDir === 'string') === (typeof splitOption === 'string')) {
      throw new CommandError('give exactly one of --probes <dir> or --split odd-even|first-N', 2);
    }
    const people = listPeopleFolders(galleryDir);
    const { gallery, probes } =
      typeof splitOption === 'string'
        ? splitPeople(people, parseSplit(splitOption))
        : {
            gallery: people.flatMap(({ person, files }) => files.map((file) => ({ person, file }))),
            probes: listPeopleFolders(probesDir as string).flatMap(({ person, files }) =>
              files.map((file) => ({ person, file })),
            ),
          };
    const bar = progressBar('describing');
    let fallbacks = 0;
    const describeAll = async (engine: FaceEngine, entries: { person: string; file: string }[], offset: number) => {
      const described: LabelledDescriptor[] = [];
      for (const [index, { person, file }] of entries.entries()) {
        const { descriptor, source } = await describeLargestFace(engine, file);
        if (source !== 'detected') fallbacks++;
        described.push({ person, descriptor });
        bar.update(offset + index + 1, gallery.length + probes.length);
      }
      return described;
    };
    const strategies = await withScratchEngine(context, async (engine) => {
      const galleryDescriptors = await describeAll(engine, gallery, 0);
      const probeDescriptors = await describeAll(engine, probes, gallery.length);
      return evaluateIdentification(galleryDescriptors, probeDescriptors, engine.config.matchThreshold);
    }).finally(() => bar.stop());
    for (const s of strategies) {
      context.output.line(
        `${s.name.padEnd(8)} accuracy ${(s.accuracy * 100).toFixed(1)} %  open-set false accepts ${(s.openSetFalseAccept * 100).toFixed(1)} %`,
      );
    }
    context.output.line(
      `${gallery.length} gallery and ${probes.length} probe image(s), ${fallbacks} without a detected face`,
    );
    context.output.document({
      strategies: strategies.map((s) => ({
        ...s,
        accuracy: round(s.accuracy),
        openSetFalseAccept: round(s.openSetFalseAccept),
      })),
      galleryImages: gallery.length,
      probeImages: probes.length,
      fallbacks,
    });
    return 0;
  },
};

const templates: Command = {
  usage: 'prune-stale',
  summary: 'delete templates made by another recognition model (those people must enrol again)',
  options: {},
  async run(context) {
    const [action] = requirePositionals(context, 1, 'templates prune-stale');
    if (action !== 'prune-stale') throw new CommandError(`unknown templates action "${action}"`, 2);
    const models = ModelSet.open(context.modelsDir);
    const store = openStore(context.dbPath, { actor: 'cli' });
    try {
      const deleted = store.templates.deleteMadeByOtherModels(models.descriptorModelId());
      context.output.line(`deleted ${deleted} template(s) made by another model`);
      context.output.document({ deleted });
      return 0;
    } finally {
      store.close();
    }
  },
};

export const COMMANDS: Readonly<Record<string, Command>> = {
  describe,
  enroll,
  import: importCommand,
  people: peopleCommand,
  remove,
  identify,
  verify,
  'eval-pairs': evalPairs,
  'eval-ident': evalIdent,
  templates,
  export: exportCommand,
  run: runCommand,
  demo: demoCommand,
};
