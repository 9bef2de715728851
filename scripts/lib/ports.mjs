// TCP ports on 127.0.0.1: finding free ones and checking a requested one.
import net from 'node:net';

export const HOST = '127.0.0.1';

/** Returns a TCP port that is currently free on 127.0.0.1 (binds port 0 and releases it). */
export function freePort(host = HOST) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on host:port and we may bind it. */
export function isPortFree(port, host = HOST) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** First free port in [from, from + count). */
export async function firstFreePort(from, count = 100, host = HOST) {
  for (let p = from; p < from + count; p++) {
    if (await isPortFree(p, host)) return p;
  }
  throw new Error(`no free port in ${from}..${from + count - 1} on ${host}`);
}

/** The port a server should listen on: a free one when none (or 0) is asked for, else `port` if free. */
export async function choosePort(port, what) {
  if (port === undefined || port === null || port === 0) return freePort();
  if (!(await isPortFree(port))) throw new Error(`${what}: port ${port} on ${HOST} is already in use`);
  return port;
}
