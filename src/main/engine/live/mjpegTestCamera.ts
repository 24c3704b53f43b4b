import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Test support: starts mjpegTestServer.ts in a child process, an IP camera on loopback serving
 * the JPEGs of `folder`, cutting each connection after `framesPerConnection` frames and exiting
 * after `connections` (optionally going silent for `stallMs` half-way through each).
 */
export async function startMjpegTestCamera(
  folder: string,
  framesPerConnection: number,
  connections: number,
  stallMs = 0,
): Promise<{ readonly url: string; readonly server: ChildProcess }> {
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'mjpegTestServer.ts'),
      folder,
      `${framesPerConnection}`,
      `${connections}`,
      `${stallMs}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((answer, fail) => {
    server.stdout?.once('data', (line: Buffer) => answer(line.toString().trim()));
    server.once('exit', (code) => fail(new Error(`the test camera exited with code ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/video.mjpg`, server };
}
