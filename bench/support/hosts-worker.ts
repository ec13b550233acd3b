/** @module The worker thread that runs the bench's fixture server (hosts.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { type BenchRoute, serveBenchHosts } from './hosts.ts';

type HostsMessage =
  | { type: 'set'; path: string; route: BenchRoute }
  | { type: 'huge'; path: string; bytes: number }
  | { type: 'ready'; id: number }
  | { type: 'close' };

const port = parentPort;
if (!port) throw new Error('hosts-worker.ts runs as a worker thread');
const hosts = await serveBenchHosts((workerData as { addresses: number }).addresses);
port.on('message', (message: HostsMessage) => {
  if (message.type === 'set') hosts.set(message.path, message.route);
  else if (message.type === 'huge') hosts.setHuge(message.path, message.bytes);
  else if (message.type === 'ready') port.postMessage({ type: 'ready', id: message.id });
  else void hosts.close().then(() => port.close());
});
port.postMessage({ type: 'started', origins: hosts.hosts.map((_, i) => hosts.url(i, '')) });
