import { createServer } from 'node:net';
import { LocalCloudError } from './errors.ts';

/**
 * A port nobody listens on right now, chosen below Linux's ephemeral range (32768-60999 by default).
 * A port the OS picks for `listen(0)` comes from that range, which is also where every outgoing
 * connection takes its local port: between this check and the stand-in binding it (DynamoDB Local's
 * JVM takes seconds to start), any connection on the machine could take it. Below the range, only
 * another explicit chooser can, and that is a 1-in-12,000 chance that the bind check then catches.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  return osPickedPort();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function osPickedPort(): Promise<number> {
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
