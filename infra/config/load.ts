import { z } from 'zod';
import { envConfigs } from './envs.ts';
import { type EnvConfig, envNames } from './types.ts';

const contextSchema = z.object({
  env: z.enum(envNames, { error: () => `-c env=<name> must be one of ${envNames.join(', ')}` }),
  account: z
    .string()
    .regex(/^\d{12}$/, '-c account=<id> must be a 12-digit AWS account id')
    .optional(),
});

/**
 * The env config chosen by `-c env=dev|staging|prod` (and an optional `-c account=` override), validated once at
 * the app entry. Anything else fails with a message naming the allowed values.
 */
export function loadEnvConfig(context: { env?: unknown; account?: unknown }): EnvConfig {
  const parsed = contextSchema.safeParse(context);
  if (!parsed.success) {
    throw new Error(`sharpline infra: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const config = envConfigs[parsed.data.env];
  return parsed.data.account ? { ...config, account: parsed.data.account } : config;
}
