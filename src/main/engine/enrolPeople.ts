import type { EnrolOutcome, FaceEngine } from './faceEngine.js';

/** One person's folder of photos, as listPeopleFolders finds them. */
export interface PersonPhotos {
  readonly person: string;
  readonly files: readonly string[];
}

export interface PersonImport {
  readonly person: string;
  readonly outcomes: EnrolOutcome[];
}

export interface PeopleImportOptions {
  /** Enrol even when a face already matches another person. */
  readonly force?: boolean;
  /** Called after each photo, with the photos done so far of all of them. */
  readonly onProgress?: (done: number, total: number, person: string, outcome: EnrolOutcome) => void;
}

/**
 * Enrols everyone's photos one photo at a time, continuing past bad photos: the CLI's `import` and
 * the admin screen's folder import. Each accepted photo is stored before the next is read, so an
 * interrupted import keeps what it enrolled.
 */
export async function enrolPeople(
  engine: FaceEngine,
  people: readonly PersonPhotos[],
  options: PeopleImportOptions = {},
): Promise<PersonImport[]> {
  const total = people.reduce((sum, person) => sum + person.files.length, 0);
  const results: PersonImport[] = [];
  let done = 0;
  for (const { person, files } of people) {
    const outcomes: EnrolOutcome[] = [];
    for (const file of files) {
      const [outcome] = await engine.enrol(person, [file], { force: options.force ?? false });
      if (!outcome) throw new Error(`${file}: the engine reported no outcome`);
      outcomes.push(outcome);
      options.onProgress?.(++done, total, person, outcome);
    }
    results.push({ person, outcomes });
  }
  return results;
}
