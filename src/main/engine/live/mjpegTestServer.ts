import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

/**
 * Test fixture, run as a child process (see mjpegTestCamera.ts): an IP camera on loopback that fails.
 * It serves the JPEG files of a folder as an MJPEG stream (multipart/x-mixed-replace, as IP
 * cameras do), cuts each connection after a fixed number of frames, and exits after the last
 * connection it allows, so the client sees a camera that drops, comes back, then dies for good.
 * With a stall time, each connection also goes silent half-way through for that long (the
 * connection stays open), as a congested network or a hung camera does.
 *
 *   node --import tsx mjpegTestServer.ts <jpeg folder> <frames per connection> <connections> [stall ms]
 *
 * Prints the port it listens on (one line on stdout). It must be a separate process: OpenCV opens
 * a stream synchronously, so a server on the test's own event loop could never answer it.
 */

const [folder, framesArgument, connectionsArgument, stallArgument] = process.argv.slice(2);
if (folder === undefined || framesArgument === undefined || connectionsArgument === undefined) {
  throw new Error('usage: mjpegTestServer.ts <jpeg folder> <frames per connection> <connections> [stall ms]');
}
const framesPerConnection = Number(framesArgument);
const connections = Number(connectionsArgument);
const stallMs = Number(stallArgument ?? 0);
const jpegs = readdirSync(folder)
  .filter((name) => name.endsWith('.jpg'))
  .sort()
  .map((name) => readFileSync(join(folder, name)));
const FRAME_INTERVAL_MS = 1000 / 30;
const BOUNDARY = 'clockfaceframe';

let served = 0;
const server = createServer((_request, response) => {
  served++;
  const last = served >= connections;
  if (last) server.close();
  response.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}` });
  let sent = 0;
  let resumeAt = 0;
  const timer = setInterval(() => {
    if (stallMs > 0 && sent === Math.floor(framesPerConnection / 2) && resumeAt === 0) resumeAt = Date.now() + stallMs;
    if (Date.now() < resumeAt) return;
    const jpeg = jpegs[sent % jpegs.length];
    if (sent >= framesPerConnection || jpeg === undefined) {
      clearInterval(timer);
      // An abrupt cut, as when a camera loses power or its network.
      response.socket?.destroy();
      if (last) process.exit(0);
      return;
    }
    response.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
    response.write(jpeg);
    response.write('\r\n');
    sent++;
  }, FRAME_INTERVAL_MS);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
