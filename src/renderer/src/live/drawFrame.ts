import type { LiveFace, LiveFrame } from '../../../shared/ipc';

const KNOWN_COLOUR = '#3ddc97';
const UNKNOWN_COLOUR = '#ffb347';

/** Draws the picture at its own size (CSS scales the canvas), then each face's box and name. */
export function drawFrame(canvas: HTMLCanvasElement, frame: LiveFrame, image: CanvasImageSource): void {
  if (canvas.width !== frame.width) canvas.width = frame.width;
  if (canvas.height !== frame.height) canvas.height = frame.height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.drawImage(image, 0, 0, frame.width, frame.height);
  // Lines and labels keep their size relative to the picture, whatever its resolution.
  const unit = Math.max(1, frame.width / 320);
  for (const face of frame.faces) drawFace(context, face, unit);
  canvas.dataset.sequence = String(frame.sequence);
  canvas.dataset.faces = frame.faces.map(faceLabel).join(',');
}

export function clearFrame(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  delete canvas.dataset.sequence;
  canvas.dataset.faces = '';
}

function faceLabel(face: LiveFace): string {
  return face.name ?? 'unknown';
}

function drawFace(context: CanvasRenderingContext2D, face: LiveFace, unit: number): void {
  const colour = face.name ? KNOWN_COLOUR : UNKNOWN_COLOUR;
  const { x, y, width, height } = face.box;
  context.lineWidth = 1.5 * unit;
  context.strokeStyle = colour;
  context.strokeRect(x, y, width, height);

  const label = face.name ?? '?';
  const fontSize = 9 * unit;
  context.font = `600 ${fontSize}px system-ui, sans-serif`;
  const padding = 3 * unit;
  const labelWidth = context.measureText(label).width + 2 * padding;
  const labelHeight = fontSize + 2 * padding;
  // Above the box, or inside its top edge when the box touches the top of the picture.
  const labelY = y - labelHeight >= 0 ? y - labelHeight : y;
  context.fillStyle = colour;
  context.fillRect(x, labelY, labelWidth, labelHeight);
  context.fillStyle = '#0b1020';
  context.textBaseline = 'top';
  context.fillText(label, x + padding, labelY + padding);
}
