import type { ImageInput } from '../analyser/faceAnalyser.js';
import cv from '../cv.js';
import type { Box } from '../geometry.js';
import { decodeImageFile } from './decodeImage.js';

/** The admin's people list shows each face as a square JPEG this many pixels wide. */
export const THUMBNAIL_SIZE = 96;
/** Enough to recognise a face at a glance, about 3 KiB at 96 px. */
const THUMBNAIL_JPEG_QUALITY = 80;
/** The face box is widened by this fraction of its size on each side: hair and chin, not only the features. */
const THUMBNAIL_MARGIN = 0.3;
/** Where the square reaches past the photo's edge, it is filled with mid grey rather than stretched. */
const FILL_GREY = 128;

/**
 * A square JPEG of one face: the face box with a margin, centred, padded with grey where it
 * leaves the image, scaled to THUMBNAIL_SIZE. A file is decoded as the analyser decodes it
 * (EXIF orientation, pixel limit), so the box lands where the face is.
 */
export async function faceThumbnail(input: ImageInput, box: Box, maxPixels?: number): Promise<Buffer> {
  const bgr =
    input.kind === 'file'
      ? (await decodeImageFile(input.path, maxPixels === undefined ? {} : { maxPixels })).bgr
      : new cv.Mat(Buffer.from(input.data), input.height, input.width, cv.CV_8UC3);
  const side = Math.max(box.width, box.height) * (1 + 2 * THUMBNAIL_MARGIN);
  const size = Math.max(1, Math.round(side));
  const left = Math.round(box.x + box.width / 2 - size / 2);
  const top = Math.round(box.y + box.height / 2 - size / 2);
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(bgr.cols, left + size);
  const y1 = Math.min(bgr.rows, top + size);
  if (x1 <= x0 || y1 <= y0) throw new RangeError(`the face box ${JSON.stringify(box)} lies outside the image`);
  const grey = new cv.Vec3(FILL_GREY, FILL_GREY, FILL_GREY);
  const square = await bgr
    .getRegion(new cv.Rect(x0, y0, x1 - x0, y1 - y0))
    .copyMakeBorderAsync(y0 - top, top + size - y1, x0 - left, left + size - x1, cv.BORDER_CONSTANT, grey);
  const small = await square.resizeAsync(THUMBNAIL_SIZE, THUMBNAIL_SIZE, 0, 0, cv.INTER_AREA);
  return cv.imencodeAsync('.jpg', small, [cv.IMWRITE_JPEG_QUALITY, THUMBNAIL_JPEG_QUALITY]);
}
