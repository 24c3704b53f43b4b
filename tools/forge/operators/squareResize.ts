import { ELEMENT_TYPE, int, OnnxGraph, str } from '../onnxGraph.js';

/**
 * The resize half of face-api's input preparation as a weightless ONNX graph: ONNX Runtime does it
 * in ~5 ms with its thread pool where JavaScript needs ~20 ms per 512x512 detector input. Resize with coordinate_transformation_mode "asymmetric" is TensorFlow's legacy
 * bilinear rule (source = dest * in/out, align_corners=false, half_pixel_centers=false); the
 * caller pads to a square with OpenCV first.
 */
export const SQUARE_RESIZE_INPUTS = [
  { name: 'image', dtype: 'uint8', shape: ['batch', 'side', 'side', 3] },
  { name: 'sizes', dtype: 'int64', shape: [4] },
] as const;

export const SQUARE_RESIZE_OUTPUT = { name: 'resized', dtype: 'float32', shape: ['batch', 'size', 'size', 3] } as const;

export function buildSquareResize(): Uint8Array {
  const graph = new OnnxGraph('square_resize');
  const image = graph.input('image', ['batch', 'side', 'side', 3], 'uint8');
  const sizes = graph.input('sizes', [4], 'int64');
  const pixels = graph.node('Cast', [image], { to: int(ELEMENT_TYPE.float32) }, 'pixels');
  const resized = graph.node(
    'Resize',
    [pixels, '', '', sizes],
    { mode: str('linear'), coordinate_transformation_mode: str('asymmetric') },
    'resize',
  );
  graph.output(resized, SQUARE_RESIZE_OUTPUT.name, SQUARE_RESIZE_OUTPUT.shape);
  return graph.toBytes('NHWC uint8 square image → float32 NHWC at the requested size, TF legacy bilinear');
}
