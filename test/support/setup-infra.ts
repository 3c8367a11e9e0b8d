/**
 * Each CDK App the infra tests build synthesizes into a temporary `cdk.out*` folder of its own. They
 * are removed after each file, as aws-cdk-lib's own test helper does for Jest
 * (`aws-cdk-lib/testhelpers/jest-autoclean`): before, every run left about 2 MB an App in /tmp.
 */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());
