/**
 * npm run token -- --role <role> [--org <USCC>] [--province <code>] [--department <院系>] [--ministry <部委>] [--email <address>] [--name <name>] [--sub <user id>] [--expires-in <duration, e.g. 1h>]
 * Prints a bearer token (Cognito-shaped ID token) for the local API, signed by the local dev issuer.
 * --sub names the user (an expert is its sub: the demo's are demo-expert-materials, demo-expert-medicine).
 */
import { parseArgs } from 'node:util';
import { roles } from '../../../schemas/roles.ts';
import { supervisingMinistries } from '../../../schemas/supervision.ts';
import { post, runningCloud } from './running-cloud.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    org: { type: 'string' },
    province: { type: 'string' },
    department: { type: 'string' },
    ministry: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    sub: { type: 'string' },
    'expires-in': { type: 'string' },
  },
});

if (!values.role || !(roles as readonly string[]).includes(values.role)) {
  console.error(
    `Usage: npm run token -- --role <${roles.join('|')}> [--org <USCC>] [--province <GB/T 2260 code>] [--department <院系>] [--ministry <${supervisingMinistries.join('|')}>] [--email <address>] [--name <name>] [--sub <user id, e.g. demo-expert-materials>] [--expires-in <duration, e.g. 1h>]`,
  );
  process.exit(1);
}
if (values.role === 'province-admin' && !values.province) {
  console.error('A province admin needs --province <GB/T 2260 code>, e.g. --province 110000.');
  process.exit(1);
}
if (
  values.role === 'ministry-admin' &&
  !(supervisingMinistries as readonly string[]).includes(values.ministry ?? '')
) {
  console.error(
    `A ministry admin needs --ministry <supervising ministry>, one of ${supervisingMinistries.join(', ')} (e.g. --ministry 教育部).`,
  );
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
  ministry: values.ministry,
  email: values.email,
  name: values.name,
  sub: values.sub,
  expiresIn: values['expires-in'],
})) as { token: string };
console.log(token);
