import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import type { EcrImage } from '../config/types.ts';

/** Whether `containers/<name>/Dockerfile` exists under `buildRoot`, i.e. whether `serviceImage` builds it. */
export function hasDockerfile(name: string, buildRoot: string): boolean {
  return existsSync(join(buildRoot, 'containers', name, 'Dockerfile'));
}

/**
 * A service's image: built from `containers/<name>/Dockerfile` (context = the repo root, so `shared/` is in reach)
 * once that file exists, else the env config's fallback: an ECR repository and tag, or a public image by name. An
 * asset image is only staged at synth; Docker builds it at deploy (`cdk deploy`), so synth needs no Docker.
 */
export function serviceImage(
  scope: Construct,
  name: string,
  fallback: EcrImage | string,
  buildRoot: string,
): ContainerImage {
  const dockerfile = join('containers', name, 'Dockerfile');
  if (hasDockerfile(name, buildRoot)) {
    return ContainerImage.fromAsset(buildRoot, {
      file: dockerfile,
      platform: Platform.LINUX_ARM64,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['node_modules', 'cdk.out', '.data', '.git', 'coverage', 'test', 'bench'],
    });
  }
  if (typeof fallback === 'string') return ContainerImage.fromRegistry(fallback);
  const repository = Repository.fromRepositoryName(scope, `${name}Repository`, fallback.repository);
  return ContainerImage.fromEcrRepository(repository, fallback.tag);
}
