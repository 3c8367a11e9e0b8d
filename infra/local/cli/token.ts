/**
 * npm run token -- --role <role> [--org <USCC>] [--province <code>] [--department <院系>] [--email <address>] [--name <name>]
 * Prints a bearer token (Cognito-shaped ID token) for the local API, signed by the local dev issuer.
 */
import { parseArgs } from 'node:util';
import { roles } from '../../../schemas/roles.ts';
import { post, runningCloud } from './running-cloud.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    org: { type: 'string' },
    province: { type: 'string' },
    department: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    sub: { type: 'string' },
    'expires-in': { type: 'string' },
  },
});

if (!values.role || !(roles as readonly string[]).includes(values.role)) {
  console.error(
    `Usage: npm run token -- --role <${roles.join('|')}> [--org <USCC>] [--province <GB/T 2260 code>] [--email <address>]`,
  );
  process.exit(1);
}
if (values.role === 'province-admin' && !values.province) {
  console.error('A province admin needs --province <GB/T 2260 code>, e.g. --province 110000.');
  process.exit(1);
}
if (['institution', 'enterprise'].includes(values.role) && !values.org) {
  console.error(`An ${values.role} user needs --org <unified social credit code of the organization>.`);
  process.exit(1);
}
const cloud = runningCloud();
const { token } = (await post(`${cloud.controlUrl}/_local/token`, {
  role: values.role,
  org: values.org,
  province: values.province,
  department: values.department,
  email: values.email,
  name: values.name,
  sub: values.sub,
  expiresIn: values['expires-in'],
})) as { token: string };
console.log(token);
