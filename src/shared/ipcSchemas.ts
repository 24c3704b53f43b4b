import { z } from 'zod';
import { CAPTURE_PROMPTS, type InvokeChannel, type InvokeRequest } from './ipc.js';

/**
 * The zod schema of every invoke request: main (and the e2e bridge) parse each renderer payload
 * with it before any handler sees it, so a handler only ever gets the shape its type promises.
 * Objects are strict (an unknown key is refused: it is a typo or a version mismatch). The rules
 * that need the store or the engine (is the name free, is the day boundary a time, …) are the
 * services' own; these check shape, types and bounds.
 */

const MAX_TEXT = 200;
const MAX_PATH = 4096;
const MAX_FILES = 10_000;

const name = z.string().trim().min(1, 'the name is empty').max(MAX_TEXT, `a name is at most ${MAX_TEXT} characters`);
const employeeCode = z.string().max(64, 'an employee code is at most 64 characters');
const path = z.string().min(1, 'the path is empty').max(MAX_PATH, `a path is at most ${MAX_PATH} characters`);
const id = z.number().int('an id is a whole number').positive('an id is positive');
const operationId = z
  .string()
  .min(1, 'the operation id is empty')
  .max(100, 'an operation id is at most 100 characters');
const sessionId = z.string().min(1, 'the session id is empty').max(100);
const pin = z.string().regex(/^\d{4,12}$/, 'a PIN is 4 to 12 digits');
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is "YYYY-MM-DD"')
  .refine((text) => {
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }, 'no such calendar date');
const capturePrompt = z.enum(CAPTURE_PROMPTS);

const attendanceRange = z.strictObject({ from: localDate, to: localDate, personId: id.optional() });

/** The settings' shapes; their domain rules (and defaults) are in src/main/services/settings.ts. */
export const settingsPatchSchema = z.strictObject({
  cameraSource: z.string().max(MAX_PATH).optional(),
  detector: z.enum(['ssd', 'tiny', 'haar']).optional(),
  matchThreshold: z.number().optional(),
  cooldownMinutes: z.number().optional(),
  attendanceMode: z.enum(['in-out', 'in-only']).optional(),
  dayBoundary: z.string().max(5).optional(),
  retentionDays: z.number().optional(),
  kioskFullScreen: z.boolean().optional(),
  adminIdleMinutes: z.number().optional(),
});

type RequestSchemas = { readonly [C in InvokeChannel]: z.ZodType<InvokeRequest<C>> };

export const INVOKE_REQUEST_SCHEMAS: RequestSchemas = {
  'app:get-info': z.undefined(),

  'people:list': z.strictObject({ includeRemoved: z.boolean().optional() }).optional(),
  'people:enrol-files': z.strictObject({
    name,
    employeeCode: employeeCode.optional(),
    paths: z.array(path).min(1, 'no photos given').max(MAX_FILES, `at most ${MAX_FILES} photos at once`),
    force: z.boolean().optional(),
    operationId: operationId.optional(),
  }),
  'people:import-folder': z.strictObject({ folder: path, force: z.boolean().optional(), operationId }),
  'people:rename': z.strictObject({ personId: id, name }),
  'people:remove': z.strictObject({ personId: id }),

  'enrol-capture:start': z.strictObject({
    name,
    employeeCode: employeeCode.optional(),
    force: z.boolean().optional(),
  }),
  'enrol-capture:shot': z.strictObject({ sessionId, prompt: capturePrompt }),
  'enrol-capture:finish': z.strictObject({ sessionId, save: z.boolean() }),

  'attendance:query': attendanceRange,
  'attendance:summary': attendanceRange,
  'attendance:export': z.strictObject({
    from: localDate,
    to: localDate,
    raw: z.boolean().optional(),
    bom: z.boolean().optional(),
    path,
  }),
  'attendance:prune': z
    .strictObject({ olderThanDays: z.number().int('days are a whole number').min(1).max(36_500).optional() })
    .optional(),

  'dialog:save-csv': z.strictObject({ defaultName: z.string().min(1).max(MAX_TEXT) }),
  'dialog:open-images': z.undefined(),
  'dialog:open-folder': z.undefined(),

  'settings:get': z.undefined(),
  'settings:set': settingsPatchSchema,

  'cameras:list': z.undefined(),
  'cameras:select': z.strictObject({ id: z.string().min(1, 'no camera given').max(MAX_PATH) }),

  'live:get-status': z.undefined(),
  'live:frame-shown': z.strictObject({ sequence: z.number().int().min(0) }),

  'admin:get-state': z.undefined(),
  'admin:set-pin': z.strictObject({ pin }),
  'admin:unlock': z.strictObject({ pin: z.string().max(100) }),
  'admin:lock': z.undefined(),
  'admin:change-pin': z.strictObject({ currentPin: z.string().max(100), newPin: pin }),

  'calibration:compute': z
    .strictObject({ targetFar: z.number().min(0, 'a rate is 0..1').max(1, 'a rate is 0..1').optional() })
    .optional(),
  'calibration:apply': z.strictObject({
    threshold: z.number().positive('the threshold must be above 0').max(2, 'the threshold is at most 2'),
  }),

  'embedding-map:compute': z.strictObject({ seed: z.number().int('the seed is a whole number').optional() }).optional(),
};

/** "people:rename: invalid request: name: the name is empty": the channel, where, and what. */
export function describeInvalidRequest(channel: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${channel}: invalid request: ${where}${issue?.message ?? 'invalid'}`;
}

/** Parses one request; throws an Error naming the channel and the first problem. */
export function parseInvokeRequest<C extends InvokeChannel>(channel: C, raw: unknown): InvokeRequest<C> {
  const schema = INVOKE_REQUEST_SCHEMAS[channel] as z.ZodType<InvokeRequest<C>> | undefined;
  if (!schema) throw new Error(`unknown channel "${String(channel)}"`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(describeInvalidRequest(channel, parsed.error));
  return parsed.data;
}
