import { createPool } from '#adapters/pg/pool';
import { loadConfig, retentionConfig } from '#config/env';
import { createRetentionHandler } from './retention-job.ts';

/** The retention Lambda: config and pool built once per container, at module scope. */
const config = loadConfig(retentionConfig);

export const handler = createRetentionHandler({ pool: createPool({ component: 'retention' }, config), config });
