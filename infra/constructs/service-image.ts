import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import type { EcrImage } from '../config/types.ts';

/**
 * A service's image: built from `containers/<name>/Dockerfile` (context = the repo root, so `shared/` is in reach)
 * once that file exists, else the ECR repository and tag of the env config. An asset image is only staged at synth;
 * Docker builds it at deploy (`cdk deploy`), so synth needs no Docker.
 */
export function serviceImage(scope: Construct, name: string, fallback: EcrImage, buildRoot: string): ContainerImage {
  const dockerfile = join('containers', name, 'Dockerfile');
  if (existsSync(join(buildRoot, dockerfile))) {
    return ContainerImage.fromAsset(buildRoot, {
      file: dockerfile,
      platform: Platform.LINUX_ARM64,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['node_modules', 'cdk.out', '.data', '.git', 'coverage', 'test', 'bench'],
    });
  }
  const repository = Repository.fromRepositoryName(scope, `${name}Repository`, fallback.repository);
  return ContainerImage.fromEcrRepository(repository, fallback.tag);
}
