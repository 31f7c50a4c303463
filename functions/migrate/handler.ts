import { loadConfig, migrateConfig } from '#config/env';
import { createMigrateHandler } from './resource.ts';

/** The migrations custom resource's Lambda: its config (the master secret, the role secrets) parsed at start-up. */
export const handler = createMigrateHandler(loadConfig(migrateConfig));
