import { createRequire } from 'node:module';
import type * as OpenCV from '@u4/opencv4nodejs';

/**
 * The one place OpenCV is loaded. opencv4nodejs's loader otherwise looks for (or offers to build)
 * its own OpenCV and logs to stdout; we always use the system OpenCV the setup built against, and
 * stdout belongs to the CLI's output.
 */
// Not named `require`: electron-vite's bundle declares its own at the top of the main bundle.
const requireFromHere = createRequire(import.meta.url);
process.env['OPENCV4NODEJS_DISABLE_AUTOBUILD'] ??= '1';
// OpenCV's own warnings (e.g. "can't open camera by index" on every reconnection attempt) would
// interleave with the CLI's output; the live loop reports those states as status events.
process.env['OPENCV_LOG_LEVEL'] ??= 'ERROR';
// Its external-memory tracking reports Mat frees to V8 from OpenCV's worker threads, which crashes
// V8's garbage collector under load ("Check failed: marking_done_"); Mats are short-lived here.
process.env['OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING'] ??= '1';
const requireFromOpencv4nodejs = createRequire(requireFromHere.resolve('@u4/opencv4nodejs'));
(requireFromOpencv4nodejs('@u4/opencv-build') as { Log: { silence: boolean } }).Log.silence = true;

const cv = (requireFromHere('@u4/opencv4nodejs') as { cv: typeof OpenCV.default }).cv;

export default cv;
export type { Mat, Rect, Point2, Size } from '@u4/opencv4nodejs';
