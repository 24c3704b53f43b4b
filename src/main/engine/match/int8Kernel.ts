/**
 * The int8 distance kernel: one small WebAssembly SIMD function, assembled here byte by byte.
 *
 * Why WebAssembly: a 1M-template gallery is 512 MB of float32, and a plain JavaScript scan of it
 * takes ~150 ms on one core of this class of machine. Its int8 mirror is 128 MB; scanning that with
 * 128-bit SIMD integer dot products (i32x4.dot_i16x8_s: 8 multiply-adds per instruction) is bound
 * by memory bandwidth at ~16 ms. JavaScript has no SIMD, so the loop is WebAssembly; it is
 * generated rather than shipped as a binary so that every byte is readable in this file.
 *
 * For rows r in blocks of four it writes, as float32,
 *   out[r] = sqNorms[r] - twiceProbeScale * scales[r] * dot(codes[r], probeCodes)
 * which is the squared distance between the dequantised probe and row minus the probe's own
 * squared norm (constant per query, added back by the caller in float64).
 */

/** The slice of the WebAssembly API we use (@types/node does not declare the global). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB at most. */
export const WASM_MAX_PAGES = 65536;

export function createWasmMemory(): WasmMemory {
  return new wasm.Memory({ initial: 1, maximum: WASM_MAX_PAGES });
}

/**
 * Scans `blocks` blocks of 4 rows. Addresses are byte offsets into the memory; `codes` rows are
 * `stride` bytes apart, `scales`, `sqNorms` and `out` hold one float32 per row.
 */
export type Int8DistanceKernel = (
  codes: number,
  scales: number,
  sqNorms: number,
  blocks: number,
  probeCodes: number,
  out: number,
  twiceProbeScale: number,
) => void;

/**
 * The first block of 4 float32 values, from `block` on, holding a value <= `limit`; `blocks`
 * when none does. Lets the matcher skip the rows that cannot win at 4 per instruction.
 */
export type NextBlockAtMost = (values: number, block: number, blocks: number, limit: number) => number;

export interface Int8Kernels {
  readonly scan: Int8DistanceKernel;
  readonly nextBlockAtMost: NextBlockAtMost;
}

// Value types and opcodes (WebAssembly core spec 2.0, SIMD included).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const SIMD_PREFIX = 0xfd;
const V128_LOAD = 0x00;
const V128_LOAD8X8_S = 0x01; // 8 int8 → int16x8, sign-extended
const V128_STORE = 0x0b;
const I8X16_SHUFFLE = 0x0d;
const F32X4_SPLAT = 0x13;
const F32X4_LE = 0x45;
const V128_ANY_TRUE = 0x53;
const I32X4_ADD = 0xae;
const I32X4_DOT_I16X8_S = 0xba;
const F32X4_SUB = 0xe5;
const F32X4_MUL = 0xe6;
const F32X4_CONVERT_I32X4_S = 0xfa;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...unsignedLeb(bytes.length), ...bytes];
const name = (text: string): number[] => vector([...text].map((c) => [c.charCodeAt(0)]));
const simd = (op: number, ...immediates: number[]): number[] => [SIMD_PREFIX, ...unsignedLeb(op), ...immediates];
const get = (local: number): number[] => [LOCAL_GET, ...unsignedLeb(local)];
const set = (local: number): number[] => [LOCAL_SET, ...unsignedLeb(local)];
const tee = (local: number): number[] => [LOCAL_TEE, ...unsignedLeb(local)];
const i32 = (value: number): number[] => [I32_CONST, ...signedLeb(value)];
/** memarg: log2 of the alignment hint, then the static byte offset. */
const memarg = (alignLog2: number, offset: number): number[] => [alignLog2, ...unsignedLeb(offset)];
const lanes = (first: number, count: number): number[] => Array.from({ length: count }, (_, i) => first + i);

// i8x16.shuffle byte patterns for the horizontal sums of four int32x4 accumulators.
const PAIR_LOW = [...lanes(0, 8), ...lanes(16, 8)]; // [a0 a1 b0 b1]
const PAIR_HIGH = [...lanes(8, 8), ...lanes(24, 8)]; // [a2 a3 b2 b3]
const EVEN = [...lanes(0, 4), ...lanes(8, 4), ...lanes(16, 4), ...lanes(24, 4)]; // [a0 a2 b0 b2]
const ODD = EVEN.map((lane) => lane + 4); // [a1 a3 b1 b3]

/** The scan's function body for rows of `stride` bytes (a multiple of 8). */
function scanBody(stride: number): number[] {
  const halves = stride / 8;
  // Parameters 0..6 as in Int8DistanceKernel, then locals.
  const [codes, scales, sqNorms, blocks, probe, out, twiceScale] = [0, 1, 2, 3, 4, 5, 6];
  const acc = 7; // 4 accumulators, one per row of the block
  const probeHalf = acc + 4; // the probe as int16x8, one local per 8 dimensions
  const outEnd = probeHalf + halves;
  const twiceScaleSplat = outEnd + 1;
  const body: number[] = [];
  for (let h = 0; h < halves; h++)
    body.push(...get(probe), ...simd(V128_LOAD8X8_S, ...memarg(0, h * 8)), ...set(probeHalf + h));
  body.push(...get(twiceScale), ...simd(F32X4_SPLAT), ...set(twiceScaleSplat));
  // outEnd = out + blocks * 16
  body.push(...get(out), ...get(blocks), ...i32(4), I32_SHL, I32_ADD, ...set(outEnd));
  body.push(BLOCK, VOID, ...get(out), ...get(outEnd), I32_GE_U, BR_IF, 0, LOOP, VOID);
  for (let row = 0; row < 4; row++) {
    for (let h = 0; h < halves; h++) {
      body.push(...get(codes), ...simd(V128_LOAD8X8_S, ...memarg(0, row * stride + h * 8)));
      body.push(...get(probeHalf + h), ...simd(I32X4_DOT_I16X8_S));
      if (h > 0) body.push(...simd(I32X4_ADD));
    }
    body.push(...set(acc + row));
  }
  // The store address goes on the stack first; the value is built below it.
  body.push(...get(out));
  const pairSum = (a: number, b: number): number[] => [
    ...get(a),
    ...get(b),
    ...simd(I8X16_SHUFFLE, ...PAIR_LOW),
    ...get(a),
    ...get(b),
    ...simd(I8X16_SHUFFLE, ...PAIR_HIGH),
    ...simd(I32X4_ADD),
  ];
  body.push(...pairSum(acc, acc + 1), ...set(acc), ...pairSum(acc + 2, acc + 3), ...set(acc + 1));
  body.push(...get(sqNorms), ...simd(V128_LOAD, ...memarg(4, 0)));
  body.push(...get(acc), ...get(acc + 1), ...simd(I8X16_SHUFFLE, ...EVEN));
  body.push(...get(acc), ...get(acc + 1), ...simd(I8X16_SHUFFLE, ...ODD), ...simd(I32X4_ADD));
  body.push(...simd(F32X4_CONVERT_I32X4_S)); // the 4 dot products, exact in float32 (< 2^24)
  body.push(...get(scales), ...simd(V128_LOAD, ...memarg(4, 0)), ...get(twiceScaleSplat), ...simd(F32X4_MUL));
  body.push(...simd(F32X4_MUL), ...simd(F32X4_SUB), ...simd(V128_STORE, ...memarg(4, 0)));
  body.push(...get(codes), ...i32(4 * stride), I32_ADD, ...set(codes));
  body.push(...get(scales), ...i32(16), I32_ADD, ...set(scales));
  body.push(...get(sqNorms), ...i32(16), I32_ADD, ...set(sqNorms));
  body.push(...get(out), ...i32(16), I32_ADD, ...tee(out), ...get(outEnd), I32_LT_U, BR_IF, 0, END, END, END);
  const locals = vector([
    [...unsignedLeb(4 + halves), V128],
    [1, I32],
    [1, V128],
  ]);
  return [...locals, ...body];
}

/** nextBlockAtMost's function body. */
function nextBlockBody(): number[] {
  const [values, block, blocks, limit] = [0, 1, 2, 3];
  const limitSplat = 4;
  const body: number[] = [...get(limit), ...simd(F32X4_SPLAT), ...set(limitSplat)];
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(...get(block), ...get(blocks), I32_GE_U, BR_IF, 1);
  body.push(...get(values), ...get(block), ...i32(4), I32_SHL, I32_ADD, ...simd(V128_LOAD, ...memarg(4, 0)));
  body.push(...get(limitSplat), ...simd(F32X4_LE), ...simd(V128_ANY_TRUE), BR_IF, 1);
  body.push(...get(block), ...i32(1), I32_ADD, ...set(block), BR, 0, END, END, ...get(block), END);
  return [...vector([[1, V128]]), ...body];
}

function kernelModule(stride: number): Uint8Array {
  const functions = [scanBody(stride), nextBlockBody()];
  const scanType = [0x60, ...vector([I32, I32, I32, I32, I32, I32, F32].map((type) => [type])), 0];
  const nextType = [0x60, ...vector([I32, I32, I32, F32].map((type) => [type])), 1, I32];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector([scanType, nextType])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x01, 1, ...unsignedLeb(WASM_MAX_PAGES)]])),
    ...section(3, vector([[0], [1]])), // function i has type i
    ...section(
      7,
      vector([
        [...name('scan'), 0x00, 0],
        [...name('nextBlockAtMost'), 0x00, 1],
      ]),
    ),
    ...section(10, vector(functions.map((body) => [...unsignedLeb(body.length), ...body]))),
  ]);
}

const modules = new Map<number, object>();

/** Compiles (once per stride) and instantiates the kernels over `memory`. */
export function instantiateInt8Kernels(stride: number, memory: WasmMemory): Int8Kernels {
  if (!Number.isInteger(stride) || stride <= 0 || stride % 8 !== 0) {
    throw new RangeError(`int8 kernel stride must be a positive multiple of 8, got ${stride}`);
  }
  let module = modules.get(stride);
  if (!module) {
    module = new wasm.Module(kernelModule(stride));
    modules.set(stride, module);
  }
  const { exports } = new wasm.Instance(module, { env: { memory } });
  const scan = exports['scan'];
  const nextBlockAtMost = exports['nextBlockAtMost'];
  if (typeof scan !== 'function' || typeof nextBlockAtMost !== 'function') {
    throw new Error('int8 kernel module lacks its "scan" or "nextBlockAtMost" export');
  }
  return { scan: scan as Int8DistanceKernel, nextBlockAtMost: nextBlockAtMost as NextBlockAtMost };
}
