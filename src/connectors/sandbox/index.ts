/** The sandbox network: a simulated WhatsApp for the demo, the tests and the benchmarks. */
export { createSandboxConnector, SANDBOX_KIND } from './connector.js';
export { DEFAULT_WAIT_MS, type DeliveryListener } from './delivery-log.js';
export { sandboxConnectorFactory } from './factory.js';
export { SandboxNetwork } from './network.js';
export { MAX_FRAME_LENGTH } from './protocol.js';
export {
  createRemoteSandboxConnector,
  parseSandboxUrl,
  type RemoteSandboxOptions,
} from './remote-connector.js';
export { seededRandom } from './seeded-random.js';
export { type SandboxServer, serveSandbox } from './server.js';
export type {
  Delivery,
  DeliveryFilter,
  SandboxOptions,
  SandboxPort,
  SandboxReceipts,
  SandboxStats,
  SayInput,
  SayItem,
  WaitOptions,
} from './types.js';
