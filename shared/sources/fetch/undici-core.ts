/**
 * @module undici's `Agent` and `request`, taken from the two modules that define them rather than
 * from the package's index. The index also loads fetch, WebSocket, EventSource, caches, cookies,
 * mocks and proxy agents, none of which this code runs: evaluating it cost every command start
 * ~50 ms (`require('undici')` 73-93 ms against 21-31 ms for the agent, Node 20, 2 cores). The deep
 * paths are pinned by package-lock.json; if an upgrade moves them, the build and every fetch test
 * fail at once rather than silently. `request` is undici's own `Dispatcher#request`, which the
 * index installs on the prototype; it is called on the agent here instead.
 */
import type { Agent as AgentType, Dispatcher } from 'undici';
import dispatcherRequest from 'undici/lib/api/api-request.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';

export const Agent: typeof AgentType = AgentClass;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'>;

/** `undici.request(url, { dispatcher, ...options })`, without the index. */
export function request(
  dispatcher: Dispatcher,
  url: string,
  options: RequestOptions,
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return dispatcherRequest.call(dispatcher, { ...options, origin, path: `${pathname}${search}` });
}
