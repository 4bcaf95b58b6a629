import type { Scenario } from '../types.js';
import { accounts } from './accounts.js';
import { batch } from './batch.js';
import { cache } from './cache.js';
import { concurrency } from './concurrency.js';
import { fairness } from './fairness.js';
import { growth } from './growth.js';
import { history } from './history.js';
import { idleMemory } from './idle-memory.js';
import { outbound } from './outbound.js';
import { payload } from './payload.js';
import { rateLimit } from './rate-limit.js';
import { recovery } from './recovery.js';
import { sessions } from './sessions.js';
import { singleMessage } from './single-message.js';
import { sqliteLimit } from './sqlite-limit.js';
import { throughput } from './throughput.js';

/** Every scenario, in run order. */
export const SCENARIOS: readonly Scenario[] = [
  singleMessage,
  batch,
  payload,
  concurrency,
  throughput,
  sqliteLimit,
  accounts,
  sessions,
  fairness,
  cache,
  history,
  outbound,
  rateLimit,
  idleMemory,
  growth,
  recovery,
];
