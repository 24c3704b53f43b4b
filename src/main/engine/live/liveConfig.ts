import { z } from 'zod';
import { DEFAULT_QUALITY_LIMITS } from '../quality/faceQuality.js';
import { DEFAULT_VOTE_OPTIONS } from './identityVote.js';

/**
 * The live loop's settings, each with its default and why. Parse with `liveConfigSchema.parse(partial)`:
 * missing keys get their defaults, bad values a clear error. Recognition itself (detector, match
 * threshold, landmark passes) is the engine's config; the video source has its own options.
 */
export const liveConfigSchema = z
  .object({
    /**
     * Detection (and landmarks, quality, descriptors) runs on every k-th processed frame; the frames
     * between follow the tracks' predicted boxes. 3 at 30 fps is a detection every 100 ms: a face
     * moves a fraction of its width in that time, well within the tracker's overlap gate, and the
     * detector's cost (SSD: ~50 ms for a 640x480 frame on a 2-core machine) is shared by three
     * frames, which keeps the loop above 30 frames/s.
     */
    detectEvery: z.number().int().min(1).max(30).default(3),
    /**
     * 'latest': always work on the newest frame, dropping those that arrived meanwhile (a camera);
     * 'every': process every frame, capture waiting for the loop (evaluating a recorded clip).
     */
    delivery: z.enum(['latest', 'every']).default('latest'),
    /** Temporal voting: how many recent match results a track keeps… */
    voteWindow: z.number().int().min(1).max(50).default(DEFAULT_VOTE_OPTIONS.windowSize),
    /** …how many must name the same person (or nobody) to decide; more than half the window… */
    votesRequired: z.number().int().min(1).default(DEFAULT_VOTE_OPTIONS.requiredVotes),
    /** …and how much farther the runner-up person must be for a match to count as a vote. */
    voteMargin: z.number().min(0).max(2).default(DEFAULT_VOTE_OPTIONS.minMargin),
    /**
     * A decided track is voted on again after this long, so a long stay is re-checked (a wrong
     * decision gets corrected, descriptors are skipped meanwhile); a report is made only on a change.
     */
    recheckMs: z.number().int().min(0).default(DEFAULT_VOTE_OPTIONS.recheckMs),
    /** How often a `metrics` event is sent; 0 sends none. */
    metricsIntervalMs: z.number().int().min(0).default(5000),
    /**
     * The quality gate a face must pass to vote and to lend its descriptor to tracking: the
     * enrolment limits (see quality/faceQuality.ts for how they were chosen), so that faces are
     * recognised under the conditions they were enrolled in.
     */
    quality: z
      .object({
        /** Size: eye centres at least this many pixels apart. */
        minInterOcularPx: z.number().min(0).default(DEFAULT_QUALITY_LIMITS.minInterOcularPx),
        /** Sharpness: variance of the face chip's Laplacian. */
        minSharpness: z.number().min(0).default(DEFAULT_QUALITY_LIMITS.minSharpness),
        /** Frontalness: 1 for a level, frontal face, 0 for a profile. */
        minFrontalness: z.number().min(0).max(1).default(DEFAULT_QUALITY_LIMITS.minFrontalness),
        minBrightness: z.number().min(0).max(255).default(DEFAULT_QUALITY_LIMITS.minBrightness),
        maxBrightness: z.number().min(0).max(255).default(DEFAULT_QUALITY_LIMITS.maxBrightness),
        /** Share of the face inside the frame: a face cut by the edge is not judged. */
        minFaceInImage: z.number().min(0).max(1).default(DEFAULT_QUALITY_LIMITS.minFaceInImage),
      })
      .prefault({}),
  })
  .refine((config) => config.votesRequired > config.voteWindow / 2 && config.votesRequired <= config.voteWindow, {
    message: 'must be more than half of voteWindow and at most voteWindow',
    path: ['votesRequired'],
  });

export type LiveConfig = z.infer<typeof liveConfigSchema>;
export type LiveConfigInput = z.input<typeof liveConfigSchema>;

export const DEFAULT_LIVE_CONFIG: LiveConfig = liveConfigSchema.parse({});

/** The config with its defaults, or a RangeError naming every bad setting: "live config: detectEvery: …". */
export function parseLiveConfig(input: LiveConfigInput = {}): LiveConfig {
  const parsed = liveConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
  throw new RangeError(`live config: ${problems.join('; ')}`);
}
