/** The enrolment and attendance store: SQLite through better-sqlite3, no recognition logic. */
export { openStore, DEFAULT_BUSY_TIMEOUT_MS, type OpenStoreOptions, type Store } from './openStore.js';
export { defaultDatabasePath, DATABASE_FILE_NAME } from './paths.js';
export { encodeEmbedding, decodeEmbedding } from './embeddingBlob.js';
export { StoreError, ModelMismatchError, type StoreErrorCode, type StaleTemplateCount } from './errors.js';
export type { JsonObject, JsonValue } from './context.js';
export {
  MAX_THUMBNAIL_BYTES,
  type Person,
  type PersonSummary,
  type NewPerson,
  type Removal,
  type PeopleRepository,
} from './people.js';
export {
  PRUNE_STALE_TEMPLATES_COMMAND,
  type NewTemplate,
  type TemplateInfo,
  type TemplateQuality,
  type Gallery,
  type GalleryEntry,
  type SkippedTemplate,
  type TemplatesRepository,
} from './templates.js';
export type { AttendanceKind, AttendanceEvent, NewAttendanceEvent, AttendanceRepository } from './attendance.js';
export { defineSetting, type SettingDefinition, type SettingsRepository } from './settings.js';
export type { AuditEntry, AuditRepository } from './audit.js';
