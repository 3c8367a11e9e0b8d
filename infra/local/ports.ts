import { createServer } from 'node:net';
import { LocalCloudError } from './errors.ts';

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function listenOrExplain(
  server: import('node:http').Server,
  port: number,
  what: string,
  envHint?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new LocalCloudError(
            `Port ${port} (${what}) is already in use: stop the process using it (lsof -i :${port}) or start on another port${envHint ? `, e.g. ${envHint}` : ''}.`,
          ),
        );
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
