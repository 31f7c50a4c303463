// Imported first by the pipeline tests: Powertools reads these when its singletons are built.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'CRITICAL';
