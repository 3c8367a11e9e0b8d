/** npm run openapi: writes docs/openapi.json (the same document GET /v1/openapi.json serves). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../../../schemas/routes/openapi.ts';

const file = resolve(import.meta.dirname, '../../../docs/openapi.json');
writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${file}`);
