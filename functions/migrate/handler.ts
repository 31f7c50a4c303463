import { loadConfig, migrateConfig } from '#config/env';
import { createMigrateHandler } from './resource.ts';

/** The migrations custom resource's Lambda, on its config: the master secret and the component roles' secrets. */
export const handler = createMigrateHandler(() => loadConfig(migrateConfig));
