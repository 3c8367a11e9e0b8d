/**
 * Issue 12, part 3: mapping profiles and previews, without AWS. A profile's columns are read before
 * the template's synonyms, its value mappings before the template's values; a profile naming a column
 * the file lacks is listed, never a refusal; profiles are versioned (one of two concurrent writers
 * wins, the other gets 409); names and sizes are bounded; the preview reads a file as an import would
 * and writes nothing, in bounded memory.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { mapInventoryHeaders, readInventoryHeaders } from '../../functions/intake/headers.ts';
import { inventoryKindWith } from '../../functions/intake/ingest.ts';
import { type IngestFileDeps, ingestBatchFile } from '../../functions/intake/ingest-file.ts';
import type { StoredJob } from '../../functions/intake/job-store.ts';
import {
  deleteMappingProfile,
  getMappingProfile,
  listMappingProfiles,
  type MappingProfileStore,
  putMappingProfile,
  versionOfIfMatch,
} from '../../functions/intake/mapping-profiles.ts';
import { previewTable } from '../../functions/intake/preview.ts';
import { previewUpload } from '../../functions/intake/preview-upload.ts';
import { readTableRows } from '../../functions/intake/read-table.ts';
import { chooseHeader, type TableRow } from '../../functions/intake/table.ts';
import { createUpload } from '../../functions/intake/uploads.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import {
  type MappingProfile,
  mappingSchema,
  profileNameSchema,
  putMappingProfileSchema,
} from '../../schemas/mapping-profile.ts';
import type { Caller } from '../../schemas/roles.ts';

const today = '2026-12-05';
const uscc = '12100000400000624D';
const other = '12100000400000625B';
const admin: Caller = { sub: 'tto', roles: ['institution'], orgUscc: uscc };
const department: Caller = { ...admin, sub: 'dept', department: '化学学院' };
const stranger: Caller = { sub: 'x', roles: ['institution'], orgUscc: other };

/** An office's own export: 本校编号 for the application number, 实施 for the implementation status. */
const ownHeaders = templateHeaders.map((h) => (h === '申请号' ? '本校编号' : h === '实施状态' ? '实施' : h));
const profileBody = {
  columns: [
    { header: '本校编号', field: 'applicationNumber' as const },
    { header: '实施', field: 'implementationStatus' as const },
  ],
  values: [{ field: 'implementationStatus' as const, source: '已实施', value: '许可实施' }],
};

/** A store with the adapter's conditions: create only if absent, replace only at the version read. */
function memoryStore() {
  const items = new Map<string, MappingProfile>();
  /** Tombstones: the version a deleted profile left. */
  const deleted = new Map<string, number>();
  const audit: Array<{ action: string; version: number }> = [];
  const store: MappingProfileStore = {
    async deletedVersion(u, name) {
      return deleted.get(`${u}/${name}`) ?? 0;
    },
    async get(u, name) {
      const item = items.get(`${u}/${name}`);
      return item && structuredClone(item);
    },
    async list(u) {
      return [...items.entries()].filter(([k]) => k.startsWith(`${u}/`)).map(([, v]) => v);
    },
    async save(profile, before) {
      // Yield first, as a network write does: concurrent writers interleave here.
      await new Promise((resolve) => setImmediate(resolve));
      const key = `${profile.institutionUscc}/${profile.name}`;
      const current = items.get(key);
      if (
        before
          ? current?.version !== before.version
          : current !== undefined || (deleted.get(key) ?? 0) !== profile.version - 1
      )
        return 'conflict';
      deleted.delete(key);
      items.set(key, structuredClone(profile));
      audit.push({ action: before ? 'updated' : 'created', version: profile.version });
      return 'saved';
    },
    async remove(before) {
      await new Promise((resolve) => setImmediate(resolve));
      const key = `${before.institutionUscc}/${before.name}`;
      if (items.get(key)?.version !== before.version) return 'conflict';
      items.delete(key);
      deleted.set(key, before.version + 1);
      audit.push({ action: 'deleted', version: before.version + 1 });
      return 'deleted';
    },
  };
  return { store, items, audit };
}
const now = () => new Date('2026-12-05T02:00:00Z');
const parseBody = (body: unknown) => putMappingProfileSchema.parse(body);

const rowsOf = (csv: string) => readTableRows(Readable.from([Buffer.from(csv)]));

describe('a profile read with the header row', () => {
  it('maps the office headers before the synonyms and reads the value mappings', () => {
    const mapping = mapInventoryHeaders(ownHeaders, profileBody);
    const byHeader = new Map(mapping.readings.map((r) => [r.header, r]));
    expect(byHeader.get('本校编号')).toMatchObject({ source: 'profile', confidence: 1 });
    expect(byHeader.get('本校编号')!.column?.key).toBe('applicationNumber');
    expect(byHeader.get('专利名称')).toMatchObject({ source: 'template', confidence: 1 });

    const reading = readInventoryHeaders(ownHeaders, profileBody);
    expect(reading.refusal).toBeUndefined();
    const row = demoInventoryRows(1, { seed: 31 })[0]!;
    row[templateHeaders.indexOf('实施状态')] = '已实施';
    const raw = Object.fromEntries(reading.headers.map((h, i) => [h, row[i]!]).filter(([h]) => h !== ''));
    const result = reading.validate!(raw, 2, today, { uscc, provinceCode: '110000' });
    expect(result.errors).toEqual([]);
    expect(result.record).toMatchObject({ implementationStatus: 'licensed' });
    // Without the profile the file has no key column, and 已实施 alone is the generic value.
    expect(readInventoryHeaders(ownHeaders).refusal).toBeDefined();
  });

  it('value mappings of a column of several values apply to each part (转化意愿)', () => {
    const reading = readInventoryHeaders(templateHeaders, {
      columns: [],
      values: [
        { field: 'conversionIntents', source: '打算许可', value: 'license' },
        { field: 'conversionIntents', source: '想转让', value: 'assignment' },
      ],
    });
    const row = demoInventoryRows(1, { seed: 32 })[0]!;
    row[templateHeaders.indexOf('转化意愿')] = '打算许可、想转让';
    const raw = Object.fromEntries(reading.headers.map((h, i) => [h, row[i]!]));
    const result = reading.validate!(raw, 2, today, { uscc, provinceCode: '110000' });
    expect(result.errors).toEqual([]);
    expect(result.record?.conversionIntents).toEqual(['license', 'assignment']);
  });

  it('a profile naming a column the file lacks: listed as a warning, the rest of the file is read', () => {
    const profile = {
      name: 'office',
      columns: [...profileBody.columns, { header: '归口管理部门', field: 'department' as const }],
      values: [],
    };
    const reading = readInventoryHeaders(ownHeaders, profile);
    expect(reading.refusal).toBeUndefined();
    expect(reading.warnings.join('\n')).toContain(
      'The mapping profile office names 1 column(s) the file does not have: 归口管理部门',
    );
    // 所属院系 is still read by its template name.
    expect(mapInventoryHeaders(ownHeaders, profile).profileMissing).toEqual(['归口管理部门']);
  });

  it('the profile wins over a synonym: another header naming the same field is ignored and listed', () => {
    const headers = ['申请号', '专利号', '专利名称'];
    const mapping = mapInventoryHeaders(headers, {
      columns: [{ header: '专利号', field: 'applicationNumber' }],
      values: [],
    });
    expect(mapping.resolution.columns.map((c) => c?.key)).toEqual([undefined, 'applicationNumber', 'title']);
    expect(mapping.readings[0]).toMatchObject({ source: 'duplicate' });
    expect(
      readInventoryHeaders(headers, {
        columns: [{ header: '专利号', field: 'applicationNumber' }],
        values: [],
      }).warnings.join(),
    ).toContain('reads 申请号 (application_number) from 专利号; column(s) 申请号 were not imported');
  });

  it('two synonym columns of one field are refused without a profile, and read with one that names the column', () => {
    const headers = ['申请号', '专利名称', '发明名称', '专利类型'];
    const refused = readInventoryHeaders(headers);
    expect(refused.refusal?.messageEn).toContain('专利名称 and 发明名称 all map to');
    expect(refused.refusal?.messageEn).toContain('name the column to read in a mapping profile');
    const profile = { columns: [{ header: '发明名称', field: 'title' as const }], values: [] };
    const read = readInventoryHeaders(headers, profile);
    expect(read.refusal).toBeUndefined();
    expect(read.headers).toEqual(['申请号', '', '发明名称', '专利类型']);
    expect(read.warnings.join()).toContain('column(s) 专利名称 were not imported');
  });

  it('one header written twice, both mapped by the profile, is refused: the profile cannot choose', () => {
    const headers = ['申请号', '题名', '题名'];
    const profile = { columns: [{ header: '题名', field: 'title' as const }], values: [] };
    const reading = readInventoryHeaders(headers, profile);
    expect(reading.refusal?.messageEn).toContain('题名 and 题名 all map to');
    expect(mapInventoryHeaders(headers, profile).conflicts).toHaveLength(1);
  });

  it('ignore silences a column the office always has (序号)', () => {
    const withSerial = ['序号', ...templateHeaders];
    expect(readInventoryHeaders(withSerial).warnings.join()).toContain('Ignored 1 column');
    const reading = readInventoryHeaders(withSerial, {
      columns: [{ header: '序号', field: 'ignore' }],
      values: [],
    });
    expect(reading.warnings.join()).not.toContain('Ignored');
    expect(reading.headers[0]).toBe('');
  });
});

describe('profile bodies and names (bad input)', () => {
  it('hostile names are refused', () => {
    for (const name of [
      '',
      '../etc',
      'a/b',
      'a#b',
      'MAPPING#x',
      '-x',
      '.x',
      'x'.repeat(41),
      'a\u0000b',
      'a b',
      '<script>',
    ])
      expect(profileNameSchema.safeParse(name).success, name).toBe(false);
    for (const name of ['default', '教务处导出', 'office_2024', 'v1.2-final'])
      expect(profileNameSchema.safeParse(name).success, name).toBe(true);
  });

  it('oversized profiles are refused: too many columns, values, or too long headers', () => {
    const columns = Array.from({ length: 101 }, (_, i) => ({ header: `列${i}`, field: 'ignore' }));
    expect(putMappingProfileSchema.safeParse({ columns }).success).toBe(false);
    const values = Array.from({ length: 201 }, (_, i) => ({ field: 'trl', source: `${i}`, value: '1' }));
    expect(putMappingProfileSchema.safeParse({ values }).success).toBe(false);
    expect(
      putMappingProfileSchema.safeParse({ columns: [{ header: '列'.repeat(101), field: 'title' }] }).success,
    ).toBe(false);
  });

  it('two headers mapped to one field are refused with both names; unknown fields and values too', () => {
    const twice = putMappingProfileSchema.safeParse({
      columns: [
        { header: '编号', field: 'applicationNumber' },
        { header: '专利号码', field: 'applicationNumber' },
      ],
    });
    expect(twice.success).toBe(false);
    expect(twice.error!.issues[0]!.message).toContain('"专利号码" and "编号" both map to applicationNumber');
    expect(mappingSchema.safeParse({ columns: [{ header: 'x', field: 'constructor' }] }).success).toBe(false);
    const value = mappingSchema.safeParse({
      values: [{ field: 'implementationStatus', source: '已实施', value: '大概实施了' }],
    });
    expect(value.error!.issues[0]!.message).toContain('is not a value of implementationStatus: use one of');
    expect(
      mappingSchema.safeParse({
        values: [
          { field: 'publiclyFunded', source: '有', value: 'yes' },
          { field: 'publiclyFunded', source: '有', value: 'no' },
        ],
      }).success,
    ).toBe(false);
  });
});

describe('PUT / GET a profile (versioned)', () => {
  it('creates at version 1, refuses a blind overwrite, replaces at the version read, stores value codes', async () => {
    const { store, audit } = memoryStore();
    const deps = { profiles: store, now };
    const created = await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    expect(created).toMatchObject({ created: true, profile: { version: 1 } });
    expect(created.profile.values[0]).toEqual({
      field: 'implementationStatus',
      source: '已实施',
      value: 'licensed',
    });
    await expect(putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody))).rejects.toThrow(
      'exists (version 1): read it',
    );
    const replaced = await putMappingProfile(
      deps,
      admin,
      uscc,
      'default',
      parseBody({ ...profileBody, expectedVersion: 1 }),
    );
    expect(replaced).toMatchObject({
      created: false,
      profile: { version: 2, createdAt: created.profile.createdAt },
    });
    await expect(
      putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody), '"1"'),
    ).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('(version 1, now 2)') });
    await expect(
      putMappingProfile(deps, admin, uscc, 'new', parseBody({ ...profileBody, expectedVersion: 3 })),
    ).rejects.toMatchObject({ statusCode: 409 });
    expect(audit).toEqual([
      { action: 'created', version: 1 },
      { action: 'updated', version: 2 },
    ]);
    expect(await getMappingProfile(deps, department, uscc, 'default')).toMatchObject({ version: 2 });
  });

  it('concurrent PUTs at the same version: one wins, the other gets 409', async () => {
    const { store } = memoryStore();
    const deps = { profiles: store, now };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    const outcomes = await Promise.allSettled([
      putMappingProfile(
        deps,
        admin,
        uscc,
        'default',
        parseBody({ ...profileBody, description: 'a', expectedVersion: 1 }),
      ),
      putMappingProfile(
        deps,
        admin,
        uscc,
        'default',
        parseBody({ ...profileBody, description: 'b' }),
        'W/"1"',
      ),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      statusCode: 409,
      message: expect.stringContaining('a moment ago'),
    });
    // Two concurrent creations: one wins too.
    const creations = await Promise.allSettled([
      putMappingProfile(deps, admin, uscc, 'x', parseBody(profileBody)),
      putMappingProfile(deps, admin, uscc, 'x', parseBody(profileBody)),
    ]);
    expect(creations.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it("another institution's profile is as absent (404); department users read but do not write (403)", async () => {
    const { store } = memoryStore();
    const deps = { profiles: store, now };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    await expect(getMappingProfile(deps, stranger, uscc, 'default')).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      putMappingProfile(deps, stranger, uscc, 'default', parseBody(profileBody)),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      putMappingProfile(deps, department, uscc, 'd', parseBody(profileBody)),
    ).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(getMappingProfile(deps, admin, uscc, 'nope')).rejects.toThrow('create it with PUT');
  });

  it('If-Match: an ETag, weak or not; anything else is a 400; disagreeing with expectedVersion too', async () => {
    expect(versionOfIfMatch('"3"')).toBe(3);
    expect(versionOfIfMatch('W/"3"')).toBe(3);
    expect(versionOfIfMatch('3')).toBe(3);
    expect(versionOfIfMatch(undefined)).toBeUndefined();
    expect(() => versionOfIfMatch('*')).toThrow('If-Match must be');
    const { store } = memoryStore();
    await expect(
      putMappingProfile(
        { profiles: store, now },
        admin,
        uscc,
        'a',
        parseBody({ ...profileBody, expectedVersion: 2 }),
        '"1"',
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('administrators read the profiles of their institutions', () => {
  it("a province administrator reads its province's institutions' profiles, a national one any; nobody else's; no admin writes", async () => {
    const { store } = memoryStore();
    const provinces: Record<string, string> = { [uscc]: '110000', [other]: '310000' };
    const deps = { profiles: store, now, institutionProvince: async (code: string) => provinces[code] };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    const beijing: Caller = { sub: 'pa', roles: ['province-admin'], provinceCode: '110000' };
    const shanghai: Caller = { sub: 'pa2', roles: ['province-admin'], provinceCode: '310000' };
    const national: Caller = { sub: 'na', roles: ['national-admin'] };
    expect((await getMappingProfile(deps, beijing, uscc, 'default')).version).toBe(1);
    expect((await listMappingProfiles(deps, national, uscc)).items).toHaveLength(1);
    expect((await listMappingProfiles(deps, shanghai, other)).items).toEqual([]);
    for (const [caller, code] of [
      [shanghai, uscc],
      [national, '12100000400000626X'], // no such institution
      [{ sub: 'e', roles: ['enterprise'], orgUscc: uscc } as Caller, uscc],
    ] as const) {
      await expect(listMappingProfiles(deps, caller, code)).rejects.toMatchObject({ statusCode: 404 });
    }
    // Without the province reader (a deployment wiring none) administrators are refused, never let in.
    await expect(listMappingProfiles({ profiles: store, now }, national, uscc)).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      putMappingProfile(deps, beijing, uscc, 'other', parseBody(profileBody)),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('DELETE a profile (at the version read)', () => {
  it('deletes at the version read; without If-Match, at another version, or gone: 400, 409, 404 with what to do', async () => {
    const { store, items, audit } = memoryStore();
    const deps = { profiles: store, now };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    await putMappingProfile(deps, admin, uscc, 'default', parseBody({ ...profileBody, expectedVersion: 1 }));
    await expect(deleteMappingProfile(deps, admin, uscc, 'default', undefined)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('Send If-Match'),
    });
    await expect(deleteMappingProfile(deps, admin, uscc, 'default', '"1"')).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringContaining('(version 1, now 2)'),
    });
    await expect(deleteMappingProfile(deps, department, uscc, 'default', '"2"')).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(deleteMappingProfile(deps, stranger, uscc, 'default', '"2"')).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(items.size).toBe(1);
    await deleteMappingProfile(deps, admin, uscc, 'default', '"2"');
    expect(items.size).toBe(0);
    expect(audit.at(-1)).toEqual({ action: 'deleted', version: 3 });
    await expect(deleteMappingProfile(deps, admin, uscc, 'default', '"2"')).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringContaining('deleted already'),
    });
  });

  it('a profile created again under a deleted name continues its versions (4 after the tombstone 3); two such creates: one wins', async () => {
    const { store, audit } = memoryStore();
    const deps = { profiles: store, now };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    await putMappingProfile(deps, admin, uscc, 'default', parseBody({ ...profileBody, expectedVersion: 1 }));
    await deleteMappingProfile(deps, admin, uscc, 'default', '"2"');
    expect(await store.deletedVersion(uscc, 'default')).toBe(3);
    const outcomes = await Promise.allSettled([
      putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody)),
      putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody)),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const made = (
      outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{
        created: boolean;
        profile: { version: number };
      }>
    ).value;
    expect(made).toMatchObject({ created: true, profile: { version: 4 } });
    expect(audit.map((a) => `${a.action}@${a.version}`)).toEqual([
      'created@1',
      'updated@2',
      'deleted@3',
      'created@4',
    ]);
  });

  it('a delete racing a replacement: one of them wins, the other is told', async () => {
    const { store, items } = memoryStore();
    const deps = { profiles: store, now };
    await putMappingProfile(deps, admin, uscc, 'default', parseBody(profileBody));
    const outcomes = await Promise.allSettled([
      deleteMappingProfile(deps, admin, uscc, 'default', '"1"'),
      putMappingProfile(deps, admin, uscc, 'default', parseBody({ ...profileBody, expectedVersion: 1 })),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.statusCode).toBe(409);
    // Whoever won, the store holds what the winner left: the replacement, or nothing.
    const left = items.get(`${uscc}/default`);
    expect(outcomes[0]!.status === 'fulfilled' ? left : left?.version).toEqual(
      outcomes[0]!.status === 'fulfilled' ? undefined : 2,
    );
  });
});

describe('previewTable', () => {
  const officeFile = () => {
    const rows = demoInventoryRows(30, { seed: 41, serialBase: 4100 });
    rows[0]![templateHeaders.indexOf('实施状态')] = '已实施';
    rows[1]![templateHeaders.indexOf('实施状态')] = '用了';
    rows[2]![templateHeaders.indexOf('技术成熟度')] = '12';
    rows[3] = [...rows[4]!]; // a duplicate of row 6
    return `本单位专利清单\n${toCsv(rows, ownHeaders)}`;
  };

  it('answers the header row, the mapping, the values that need a meaning, the first rows and counts', async () => {
    const preview = await previewTable(rowsOf(officeFile()), {
      today,
      profile: { name: 'office', version: 4, columns: profileBody.columns, values: [] },
      sampleRows: 3,
    });
    expect(preview.refusal).toBeUndefined();
    expect(preview.profile).toEqual({ name: 'office', version: 4 });
    expect(preview.headerRow).toBe(2);
    expect(preview.columns[0]).toMatchObject({
      header: '本校编号',
      field: 'applicationNumber',
      source: 'profile',
    });
    expect(preview.counts).toMatchObject({
      rowsRead: 30,
      rowsChecked: 30,
      rowsRefused: 3,
      rowsAccepted: 27,
      complete: true,
    });
    expect(preview.sampleRows).toHaveLength(3);
    expect(preview.sampleRows[0]!.record).toMatchObject({ implementationStatus: 'implemented' });
    const implementation = preview.valueMappings.find((v) => v.field === 'implementationStatus')!;
    expect(implementation.values.find((v) => v.source === '已实施')).toMatchObject({
      status: 'ambiguous',
      value: 'implemented',
    });
    expect(implementation.values.find((v) => v.source === '用了')).toMatchObject({ status: 'unknown' });
    expect(implementation.options.map((o) => o.value)).toContain('licensed');
    expect(preview.topRefusals.map((r) => r.code).sort()).toEqual([
      'DUPLICATE_IN_FILE',
      'INVALID_VALUE',
      'OUT_OF_RANGE',
    ]);
  });

  it("a department user's preview says which rows of other departments would be refused", async () => {
    const rows = demoInventoryRows(5, { seed: 43, serialBase: 4300 });
    rows.forEach((cells, i) => {
      cells[templateHeaders.indexOf('所属院系')] = i === 1 ? '化学学院' : '材料学院';
    });
    const preview = await previewTable(rowsOf(toCsv(rows)), { today, sampleRows: 2, department: '材料学院' });
    expect(preview.counts).toMatchObject({ rowsChecked: 5, rowsAccepted: 4, rowsRefused: 1 });
    expect(preview.topRefusals.map((r) => r.code)).toEqual(['OTHER_DEPARTMENT']);
    expect(preview.sampleRows[1]!.errors[0]!.messageEn).toContain('would not be imported');
    const institutionLevel = await previewTable(rowsOf(toCsv(rows)), { today, sampleRows: 2 });
    expect(institutionLevel.counts).toMatchObject({ rowsAccepted: 5, rowsRefused: 0 });
  });

  it('with value mappings the decisions are made: 已实施 and 用了 read as the profile says', async () => {
    const preview = await previewTable(rowsOf(officeFile()), {
      today,
      profile: {
        columns: profileBody.columns,
        values: [
          { field: 'implementationStatus', source: '已实施', value: 'licensed' },
          { field: 'implementationStatus', source: '用了', value: 'self-implemented' },
        ],
      },
      sampleRows: 2,
    });
    expect(preview.counts.rowsRefused).toBe(2);
    expect(preview.sampleRows[0]!.record).toMatchObject({ implementationStatus: 'licensed' });
    const values = preview.valueMappings.find((v) => v.field === 'implementationStatus')!.values;
    expect(values.find((v) => v.source === '用了')).toMatchObject({
      status: 'profile',
      value: 'self-implemented',
    });
  });

  it('a file without the key column: the refusal an import would give, with the proposals', async () => {
    const preview = await previewTable(rowsOf(officeFile()), { today, sampleRows: 2 });
    expect(preview.refusal).toMatchObject({ code: 'BAD_HEADERS' });
    expect(preview.columns.find((c) => c.header === '实施')).toBeDefined();
  });

  it('bounded: only maxCheckedRows rows are validated, the rest counted; the deadline stops reading', async () => {
    const csv = toCsv(demoInventoryRows(300, { seed: 42, serialBase: 4200 }));
    const preview = await previewTable(rowsOf(csv), { today, sampleRows: 1, maxCheckedRows: 50 });
    expect(preview.counts).toMatchObject({ rowsRead: 300, rowsChecked: 50, complete: false });
    let calls = 0;
    const stopped = await previewTable(rowsOf(csv), {
      today,
      sampleRows: 1,
      pastDeadline: () => ++calls > 10,
    });
    expect(stopped.counts).toMatchObject({ rowsChecked: 10, complete: false });
  });

  it('10,000 unknown columns: 200 listed, the rest counted, warnings bounded', async () => {
    const headers = [...templateHeaders, ...Array.from({ length: 10_000 }, (_, i) => `自定义列${i}`)];
    const rows: TableRow[] = [{ rowNumber: 1, cells: headers }];
    const data = demoInventoryRows(2, { seed: 43, serialBase: 4300 });
    data.forEach((cells, i) => {
      rows.push({ rowNumber: i + 2, cells });
    });
    const preview = await previewTable(
      (async function* () {
        yield* rows;
      })(),
      { today, sampleRows: 2 },
    );
    expect(preview.columns).toHaveLength(200);
    expect(preview.columnsNotListed).toBe(headers.length - 200);
    expect(JSON.stringify(preview).length).toBeLessThan(200_000);
    expect(preview.counts.rowsAccepted).toBe(2);
  });

  it("an XLSX whose first sheet is instructions: the sheet with the profile's headers is previewed", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('填表说明').addRow(['请按本校格式填写']);
    const sheet = workbook.addWorksheet('清单');
    sheet.addRow(['本校专利清单（2024）']);
    sheet.addRow(ownHeaders);
    for (const cells of demoInventoryRows(6, { seed: 46, serialBase: 4600 })) sheet.addRow(cells);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const profile = { columns: profileBody.columns, values: [] };
    const kind = inventoryKindWith(profile);
    const rows = readTableRows(Readable.from([buffer]), {
      isTableSheet: (first) => chooseHeader(first, (h) => kind.isKnownHeader(h)) !== undefined,
    });
    const preview = await previewTable(rows, { today, profile, sampleRows: 1 });
    expect(preview).toMatchObject({ headerRow: 2, counts: { rowsRead: 6, rowsAccepted: 6 } });
  });

  it('no header among the first rows: a refusal naming what to do', async () => {
    const preview = await previewTable(rowsOf('a,b\n1,2\n'), { today, sampleRows: 1 });
    expect(preview.refusal).toMatchObject({
      code: 'NO_HEADER',
      messageEn: expect.stringContaining('mapping profile'),
    });
  });
});

describe('uploads with profiles and previews', () => {
  const uploadDeps = () => {
    const jobs: unknown[] = [];
    const { store } = memoryStore();
    return {
      jobs,
      store,
      deps: {
        jobs: {
          createIfAbsent: async (job: unknown) => {
            jobs.push(job);
            return true;
          },
          attachObject: async () => 'absent' as const,
        },
        presignPost: async (policy: { key: string }) => ({
          url: 'https://drop',
          fields: { key: policy.key },
        }),
        bucket: 'drop',
        now,
        profiles: store,
      },
    };
  };

  it('mode preview: a key under inbox-preview/<USCC>/, no job', async () => {
    const { deps, jobs } = uploadDeps();
    const answer = await createUpload(deps, admin, { fileName: '导出.csv', mode: 'preview' });
    expect(answer.key).toMatch(new RegExp(`^inbox-preview/${uscc}/[0-9a-f]{24}/导出\\.csv$`));
    expect(answer.previewPath).toBe(`/v1/uploads/${answer.previewId}/preview`);
    expect(jobs).toEqual([]);
  });

  it('a profile named at upload must exist in the own institution (404), and is recorded on the job', async () => {
    const { deps, jobs, store } = uploadDeps();
    await expect(createUpload(deps, admin, { fileName: 'a.csv', profile: 'office' })).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringContaining('save it with PUT'),
    });
    await putMappingProfile({ profiles: store, now }, stranger, other, 'office', parseBody(profileBody));
    await expect(createUpload(deps, admin, { fileName: 'a.csv', profile: 'office' })).rejects.toMatchObject({
      statusCode: 404,
    });
    await putMappingProfile({ profiles: store, now }, admin, uscc, 'office', parseBody(profileBody));
    await createUpload(deps, admin, { fileName: 'a.csv', profile: 'office' });
    expect(jobs[0]).toMatchObject({ profile: { name: 'office' } });
  });

  it('previews and profiles are for inventories only', async () => {
    const { deps } = uploadDeps();
    const padmin: Caller = { sub: 'p', roles: ['province-admin'], provinceCode: '110000' };
    await expect(
      createUpload(deps, padmin, { fileName: 'e.csv', kind: 'enterprises', mode: 'preview' }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it("previewUpload finds the file under the caller's own institution only", async () => {
    const { store } = memoryStore();
    const csv = toCsv(demoInventoryRows(5, { seed: 44, serialBase: 4400 }));
    const prefixes: string[] = [];
    const deps = {
      bucket: 'drop',
      profiles: store,
      now,
      findObject: async (_bucket: string, prefix: string) => {
        prefixes.push(prefix);
        return prefix.startsWith(`inbox-preview/${uscc}/`)
          ? { key: `${prefix}x.csv`, size: csv.length }
          : undefined;
      },
      openObject: async () => Readable.from([Buffer.from(csv)]),
      institutionName: async () => undefined,
    };
    const id = 'a'.repeat(24);
    const preview = await previewUpload(deps, admin, id, { sampleRows: 2 });
    expect(preview).toMatchObject({ previewId: id, fileName: 'x.csv', counts: { rowsAccepted: 5 } });
    await expect(previewUpload(deps, stranger, id, { sampleRows: 2 })).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(previewUpload(deps, admin, id, { sampleRows: 2, profile: 'nope' })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('ingestBatchFile with profiles', () => {
  const job = (overrides: Partial<StoredJob> = {}): StoredJob => ({
    jobId: 'j1',
    institutionUscc: uscc,
    bucket: 'drop',
    key: 'inbox/x/y.csv',
    fileName: 'y.csv',
    sizeBytes: 100,
    status: 'running',
    createdAt: '2026-11-25T00:00:00Z',
    ...overrides,
  });
  const deps = (stored: StoredJob, store: MappingProfileStore, csv: string) => {
    const noted: unknown[] = [];
    const failures: unknown[] = [];
    const written: unknown[] = [];
    const d: IngestFileDeps = {
      jobs: {
        claim: async () => stored,
        fail: async (_id, failure) => {
          failures.push(failure);
          return true;
        },
        succeed: async () => true,
        progress: async () => undefined,
        noteProfile: async (_id, profile) => void noted.push(profile),
        get: async () => stored,
        createIfAbsent: async () => true,
        attachObject: async () => 'absent',
      },
      patents: {
        writeBatch: async (batch) =>
          batch.map((p) => {
            written.push(p.record);
            return { row: p.row, outcome: 'created' as const };
          }),
      },
      institutions: { get: async () => ({ uscc, provinceCode: '110000' }) as never },
      profiles: store,
      openObject: async () => Readable.from([Buffer.from(csv)]),
      errorReports: {
        put: async () => undefined,
        startMultipart: async () => {
          throw new Error('no multipart');
        },
      },
      now: () => new Date('2026-12-05T00:00:00Z'),
    };
    return { d, noted, failures, written };
  };

  it("a direct drop is read with the institution's default profile, and its version is recorded", async () => {
    const { store } = memoryStore();
    await putMappingProfile({ profiles: store, now }, admin, uscc, 'default', parseBody(profileBody));
    const rows = demoInventoryRows(4, { seed: 45, serialBase: 4500 });
    rows[0]![templateHeaders.indexOf('实施状态')] = '已实施';
    const { d, noted, written } = deps(job(), store, toCsv(rows, ownHeaders));
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({ status: 'succeeded', rowsAccepted: 4 });
    expect(noted).toEqual([{ name: 'default', version: 1 }]);
    expect(written[0]).toMatchObject({ implementationStatus: 'licensed' });
  });

  it('a profile named at upload and deleted since: the job fails saying what to do', async () => {
    const { store } = memoryStore();
    const { d, failures } = deps(job({ profile: { name: 'gone' } }), store, toCsv(demoInventoryRows(1)));
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'failed',
      code: 'PROFILE_NOT_FOUND',
    });
    expect(failures[0]).toMatchObject({ messageEn: expect.stringContaining('save it again') });
  });
});
