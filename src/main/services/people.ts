import { statSync } from 'node:fs';
import type {
  EnrolFileResult,
  ImportFileResult,
  PeopleImportFolderResponse,
  PeopleRemoveResponse,
  PersonRow,
} from '../../shared/ipc.js';
import { enrolPeople } from '../engine/enrolPeople.js';
import { listPeopleFolders } from '../engine/evaluation/evaluate.js';
import type { EnrolOutcome, FaceEngine } from '../engine/faceEngine.js';
import type { PersonSummary } from '../engine/store/index.js';

/** The admin's People screen: list, enrol, import, rename, remove, all through the engine. */

export interface EnrolProgress {
  readonly done: number;
  readonly total: number;
  readonly result: ImportFileResult;
}

export type ProgressListener = (progress: EnrolProgress) => void;

/** A folder to import that cannot be used; the message says why. */
export class ImportFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFolderError';
  }
}

export class PeopleService {
  constructor(private readonly engine: FaceEngine) {}

  list(options: { readonly includeRemoved?: boolean } = {}): PersonRow[] {
    return this.engine.store.people.list(options).map((person) => this.toRow(person));
  }

  /** One person as the list shows them; StoreError 'person-not-found' for an unknown id. */
  get(personId: number): PersonRow {
    const person = this.engine.store.people.list({ includeRemoved: true }).find((p) => p.id === personId);
    if (!person) throw new Error(`no person with id ${personId}`);
    return this.toRow(person);
  }

  /** Enrols photos for one person (created with the first accepted photo), one photo at a time. */
  async enrolFiles(
    request: {
      readonly name: string;
      readonly employeeCode?: string;
      readonly paths: readonly string[];
      readonly force?: boolean;
    },
    onProgress?: ProgressListener,
  ): Promise<{ person: PersonRow | null; results: EnrolFileResult[] }> {
    const results: EnrolFileResult[] = [];
    for (const path of request.paths) {
      const [outcome] = await this.engine.enrol(request.name, [path], {
        force: request.force ?? false,
        ...(request.employeeCode?.trim() ? { employeeCode: request.employeeCode } : {}),
      });
      if (!outcome) throw new Error(`${path}: the engine reported no outcome`);
      const result = toFileResult(outcome);
      results.push(result);
      onProgress?.({ done: results.length, total: request.paths.length, result: { ...result, person: request.name } });
    }
    const person = this.engine.store.people.findByName(request.name);
    return { person: person ? this.get(person.id) : null, results };
  }

  /** Enrols `<folder>/<person>/<photos>`, continuing past bad photos, with progress per photo. */
  async importFolder(
    folder: string,
    options: { readonly force?: boolean; readonly onProgress?: ProgressListener } = {},
  ): Promise<Omit<PeopleImportFolderResponse, 'operationId'>> {
    requireFolder(folder);
    const people = listPeopleFolders(folder);
    if (people.length === 0) {
      throw new ImportFolderError(
        `${folder}: no <person>/<photos> folders found (one sub-folder of photos per person)`,
      );
    }
    const imported = await enrolPeople(this.engine, people, {
      force: options.force ?? false,
      onProgress: (done, total, person, outcome) =>
        options.onProgress?.({ done, total, result: { ...toFileResult(outcome), person } }),
    });
    const results = imported.flatMap(({ person, outcomes }) =>
      outcomes.map((outcome): ImportFileResult => ({ ...toFileResult(outcome), person })),
    );
    const enrolled = results.filter((result) => result.ok).length;
    return {
      enrolled,
      rejected: results.length - enrolled,
      people: imported.map(({ person, outcomes }) => {
        const ok = outcomes.filter((outcome) => outcome.ok).length;
        return { name: person, enrolled: ok, rejected: outcomes.length - ok };
      }),
      results,
    };
  }

  /** Renames; StoreError 'duplicate-name' when another active person has the name. */
  rename(personId: number, name: string): PersonRow {
    this.engine.store.people.rename(personId, name);
    return this.get(personId);
  }

  /** Removes a person with their templates and thumbnail; StoreError 'person-not-found' for an unknown id. */
  remove(personId: number): PeopleRemoveResponse {
    const removal = this.engine.removePersonById(personId);
    return {
      personId,
      name: removal.person.name,
      outcome: removal.outcome,
      templatesDeleted: removal.templatesDeleted,
    };
  }

  private toRow(person: PersonSummary): PersonRow {
    const thumbnail = this.engine.store.people.thumbnail(person.id);
    return {
      id: person.id,
      name: person.name,
      employeeCode: person.employeeCode,
      active: person.active,
      templateCount: person.templateCount,
      lastSeen: person.lastSeenAt?.getTime() ?? null,
      thumbnail: thumbnail ? jpegDataUrl(thumbnail) : null,
    };
  }
}

export function jpegDataUrl(jpeg: Uint8Array): string {
  return `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`;
}

function toFileResult(outcome: EnrolOutcome): EnrolFileResult {
  return outcome.ok
    ? { file: outcome.file, ok: true, templateId: outcome.templateId }
    : { file: outcome.file, ok: false, reason: outcome.reason, message: outcome.message };
}

function requireFolder(folder: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportFolderError(
      code === 'ENOENT' ? `${folder}: folder not found` : `${folder}: cannot read the folder (${code})`,
    );
  }
  if (!isFolder) throw new ImportFolderError(`${folder} is not a folder`);
}
