import { createPool } from '#adapters/pg/pool';
import { loadConfig, settlementConfig } from '#config/env';
import { createSettlementHandler } from './settlement.ts';

/** The settlement Lambda: config and pool built once per container, at module scope. */
const config = loadConfig(settlementConfig);

export const handler = createSettlementHandler({ pool: createPool({ component: 'settlement' }, config), config });
