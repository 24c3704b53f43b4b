/**
 * The pixel preparation face-api does outside its networks, reproduced exactly: pad the image to a
 * square with black (at the bottom/right, or centred), then resize with TensorFlow's legacy
 * bilinear rule (align_corners=false, half_pixel_centers=false: source = dest * in/out), which is
 * not what OpenCV's INTER_LINEAR does.
 */

/** Interleaved 8-bit RGB pixels, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type SquarePadding = 'bottom-right' | 'centred';

/** Where the original image sits inside its padded square. */
export interface SquareFit {
  readonly side: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** face-api's padToSquare: the extra rows/columns go after the image, or are split (`round(diff/2)` after). */
export function squareFit(width: number, height: number, padding: SquarePadding): SquareFit {
  const side = Math.max(width, height);
  const diff = side - Math.min(width, height);
  const before = padding === 'centred' ? diff - Math.round(diff * 0.5) : 0;
  return width >= height ? { side, offsetX: 0, offsetY: before } : { side, offsetX: before, offsetY: 0 };
}

/**
 * Pads `image` to a square and resizes it to `size`x`size`, returning float32 NHWC pixels
 * (0..255, RGB) ready for `batchIndex` of a batch tensor.
 */
export function toSquareInput(
  image: RgbImage,
  size: number,
  padding: SquarePadding,
  out: Float32Array = new Float32Array(size * size * 3),
  batchIndex = 0,
): Float32Array {
  const { width, height, data } = image;
  if (data.length !== width * height * 3) {
    throw new Error(`image data has ${data.length} bytes, expected ${width * height * 3} for ${width}x${height} RGB`);
  }
  const { side, offsetX, offsetY } = squareFit(width, height, padding);
  // tfjs's WebAssembly kernel computes in float32; rounding every step the same way reproduces it
  // bit for bit (float64 arithmetic would differ by up to ~2e-3 on fractional scales).
  const f = Math.fround;
  const ratio = f(side / size);
  // A pixel of the padded square: zero outside the original image.
  const pixel = (x: number, y: number, c: number): number => {
    const sx = x - offsetX;
    const sy = y - offsetY;
    if (sx < 0 || sy < 0 || sx >= width || sy >= height) return 0;
    return data[(sy * width + sx) * 3 + c] as number;
  };
  let o = batchIndex * size * size * 3;
  for (let r = 0; r < size; r++) {
    const sourceRow = f(ratio * r);
    const top = Math.floor(sourceRow);
    const bottom = Math.min(side - 1, Math.ceil(sourceRow));
    const rowFrac = f(sourceRow - top);
    for (let col = 0; col < size; col++) {
      const sourceCol = f(ratio * col);
      const left = Math.floor(sourceCol);
      const right = Math.min(side - 1, Math.ceil(sourceCol));
      const colFrac = f(sourceCol - left);
      for (let c = 0; c < 3; c++) {
        const topLeft = pixel(left, top, c);
        const topRight = pixel(right, top, c);
        const bottomLeft = pixel(left, bottom, c);
        const bottomRight = pixel(right, bottom, c);
        const upper = f(topLeft + f(f(topRight - topLeft) * colFrac));
        const lower = f(bottomLeft + f(f(bottomRight - bottomLeft) * colFrac));
        out[o++] = f(upper + f(f(lower - upper) * rowFrac));
      }
    }
  }
  return out;
}
