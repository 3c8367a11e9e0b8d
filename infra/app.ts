/** Entry point of the CDK CLI (cdk.json): `npx cdk synth`, `npx cdk deploy -c stage=prod`. */
import { buildApp } from './build-app.ts';

buildApp().app.synth();
