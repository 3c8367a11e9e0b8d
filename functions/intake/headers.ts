/**
 * How an inventory file's header row is read (issue 12): never a reason to refuse the file, apart
 * from a missing key column (申请号) and two columns naming one field. Each header is matched by the template's synonyms after
 * normalization (schemas/inventory/template.ts `resolveHeaders`); what is not matched is ignored and
 * listed on the job, with a proposal when it resembles a column (never mapped silently); two columns
 * naming one field refuse the file, naming both (reading one would silently drop the other);
 * required columns the file lacks are listed, and the rows say what that means (patent-row.ts).
 * Every warning is bounded: a hostile header row of a million columns gives a few KB.
 *
 * An institution's mapping profile (docs/intake.md, "Mapping profiles") is read first: a header it
 * names fills its field (or is ignored) whatever the synonyms say, another header of the file naming
 * the same field is ignored (listed), and the profile's value mappings are read before the template's
 * synonyms. Headers the profile names that the file lacks are listed, never a refusal by themselves.
 */
import {
  type InventoryRecord,
  type RowContext,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import {
  boundedList,
  type HeaderResolution,
  headerSimilarity,
  inventoryTemplate,
  looseHeader,
  maxListedHeaders,
  normalizeHeader,
  type TemplateColumn,
} from '../../schemas/inventory/template.ts';
import type { ProfileColumn, ProfileValue } from '../../schemas/mapping-profile.ts';
import type { HeaderReading } from './ingest.ts';

const name = (column: TemplateColumn) => ({ zh: `「${column.zh}」`, en: `${column.zh} (${column.en})` });
const quoted = (header: string) => (header.length > 40 ? `${header.slice(0, 40)}…` : header);

/** Header spellings a key-column message lists. */
const keySpellings = (column: TemplateColumn) =>
  [column.zh, ...(column.aliases ?? []).filter((alias) => /[\u4e00-\u9fff]/.test(alias)), column.en].slice(
    0,
    8,
  );

/** Fields listed in a duplicate-column refusal, and headers listed per field (a hostile row repeats one header 10,000 times). */
const maxListedDuplicates = 5;
const maxNamesPerDuplicate = 5;

/**
 * Two (or more) columns of the file map to one field: the file is refused, naming them, since
 * reading either would silently drop the other's values. Bounded whatever the header row holds.
 */
function duplicateRefusal(duplicates: HeaderResolution['duplicates']): {
  messageZh: string;
  messageEn: string;
} {
  const groups = duplicates.slice(0, maxListedDuplicates).map((duplicate) => {
    const headers = [duplicate.used, ...duplicate.ignored];
    const shown = headers.slice(0, maxNamesPerDuplicate).map(quoted);
    const more = headers.length - shown.length;
    const column = name(duplicate.column);
    return {
      zh: `${shown.map((header) => `「${header}」`).join('和')}${more ? `等 ${headers.length} 列` : ''}都对应${column.zh}`,
      en: `${shown.join(' and ')}${more ? ` (and ${more} more)` : ''} all map to ${column.en}`,
    };
  });
  const moreFields = duplicates.length - groups.length;
  return {
    messageZh: `文件中有多列对应同一字段：${groups.map((group) => group.zh).join('；')}${
      moreFields ? `；另有 ${moreFields} 个字段也出现多次` : ''
    }。系统不会擅自只读取其中一列：请删除或改名其中多余的列，或在映射配置中指定读取哪一列，然后重新上传`,
    messageEn: `Several columns of the file map to one field: ${groups.map((group) => group.en).join('; ')}${
      moreFields ? `; ${moreFields} more field(s) are named more than once` : ''
    }. Reading only one of them would silently drop the other: delete or rename the extra columns, or name the column to read in a mapping profile, then upload again`,
  };
}

/** The mapping profile a file is read with (a saved profile, or one tried in a preview). */
export interface ProfileInUse {
  name?: string;
  version?: number;
  columns: readonly ProfileColumn[];
  values: readonly ProfileValue[];
}

/** How one column of the file is read, and how sure the reading is. */
export interface ColumnReading {
  index: number;
  header: string;
  /** The field it fills; undefined: not imported. */
  column?: TemplateColumn;
  source: 'profile' | 'template' | 'synonym' | 'proposal' | 'duplicate' | 'ignored';
  confidence: number;
  /** For proposals and duplicates: the column it resembles or also names. */
  like?: TemplateColumn;
}

export interface InventoryHeaderMapping {
  /** How the first maxColumnReadings columns are read. */
  readings: ColumnReading[];
  resolution: HeaderResolution;
  /** Headers the profile maps to a field that the file does not have. */
  profileMissing: string[];
  /** Header (as the file writes it) -> field, for the columns the profile maps. */
  profileFields: Map<string, string>;
  /**
   * Fields two or more columns of the file name with nothing to choose between them: the file is
   * refused (reading one would silently drop the other), unless a profile names the column to read.
   */
  conflicts: HeaderResolution['duplicates'];
  /** Fields the profile reads from one column while other columns name them too (those are not read). */
  overridden: HeaderResolution['duplicates'];
}

const rankConfidence = [1, 0.95, 0.85] as const;

/** Columns whose reading (source, confidence, alternatives) is worked out: what a preview lists. */
export const maxColumnReadings = 200;

/** Reads a header row with the template's synonyms and, first, the profile's columns. */
export function mapInventoryHeaders(
  fileHeaders: readonly string[],
  profile?: ProfileInUse,
): InventoryHeaderMapping {
  const byLoose = new Map((profile?.columns ?? []).map((c) => [looseHeader(c.header), c.field]));
  // Each step is one pass over the header row (a hostile one has a million columns): the header
  // matching is repeated per column only where a profile claims fields, and the readings (what the
  // preview lists) are made for the first maxColumnReadings columns.
  const profiled: Array<string | undefined> =
    byLoose.size === 0
      ? []
      : fileHeaders.map((header) =>
          normalizeHeader(header) === '' ? undefined : byLoose.get(looseHeader(header)),
        );
  const blanked =
    byLoose.size === 0
      ? fileHeaders
      : fileHeaders.map((header, i) => (profiled[i] !== undefined ? '' : header));
  const resolution = inventoryTemplate.resolveHeaders(blanked);
  const claimed = new Set(profiled.filter((field): field is string => !!field && field !== 'ignore'));
  const columns = resolution.columns.slice();
  const readings: ColumnReading[] = fileHeaders.slice(0, maxColumnReadings).map((header, index) => ({
    index,
    header,
    source: 'ignored',
    confidence: 0,
  }));
  const profileFields = new Map<string, string>();
  const firstOfField = new Map<string, number>();
  profiled.forEach((field, i) => {
    if (field === undefined) return;
    const column = field === 'ignore' ? undefined : inventoryTemplate.columnByKey(field);
    columns[i] = column;
    if (i < readings.length)
      readings[i] = { ...readings[i]!, source: 'profile', confidence: 1, ...(column ? { column } : {}) };
    if (column) {
      profileFields.set(fileHeaders[i]!, column.key);
      if (!firstOfField.has(column.key)) firstOfField.set(column.key, i);
    }
  });
  const overridden = new Map<string, string[]>();
  const matched = claimed.size > 0 ? blanked.length : Math.min(blanked.length, readings.length);
  for (let j = 0; j < matched; j++) {
    const header = blanked[j]!;
    if (header === '' || normalizeHeader(header) === '') continue;
    const match = inventoryTemplate.matchHeader(header);
    if (!match) continue;
    if (claimed.has(match.column.key)) {
      columns[j] = undefined;
      const ignored = overridden.get(match.column.key);
      if (ignored) ignored.push(header);
      else overridden.set(match.column.key, [header]);
      if (j >= readings.length) continue;
      readings[j] = {
        ...readings[j]!,
        source: 'duplicate',
        confidence: rankConfidence[match.rank],
        like: match.column,
      };
    } else if (j < readings.length) {
      readings[j] = columns[j]
        ? {
            ...readings[j]!,
            column: match.column,
            source: match.rank === 0 ? 'template' : 'synonym',
            confidence: rankConfidence[match.rank],
          }
        : {
            ...readings[j]!,
            source: 'duplicate',
            confidence: rankConfidence[match.rank],
            like: match.column,
          };
    }
  }
  const proposals = resolution.proposals.filter((proposal) => !claimed.has(proposal.column.key));
  const proposalOf = new Map(proposals.map((proposal) => [proposal.header, proposal]));
  readings.forEach((reading, i) => {
    const proposal = reading.source === 'ignored' ? proposalOf.get(fileHeaders[i]!) : undefined;
    if (proposal)
      readings[i] = {
        ...reading,
        source: 'proposal',
        like: proposal.column,
        confidence:
          Math.round(headerSimilarity(looseHeader(reading.header), looseHeader(proposal.like)) * 100) / 100,
      };
  });
  const present = new Set(profile?.columns.length ? fileHeaders.map((header) => looseHeader(header)) : []);
  const profileMissing = (profile?.columns ?? [])
    .filter((c) => c.field !== 'ignore' && !present.has(looseHeader(c.header)))
    .map((c) => c.header);
  const overriddenByProfile = [...overridden].map(([key, ignored]) => ({
    column: inventoryTemplate.columnByKey(key)!,
    used: fileHeaders[firstOfField.get(key)!]!,
    ignored,
  }));
  // Two columns of the file the profile maps to one field (a header written twice) are a conflict as
  // two synonyms are: the profile cannot say which one to read.
  const profiledTwice = [...firstOfField].flatMap(([key, first]) => {
    const others = fileHeaders.filter(
      (_, i) => i !== first && columns[i]?.key === key && profiled[i] === key,
    );
    return others.length
      ? [{ column: inventoryTemplate.columnByKey(key)!, used: fileHeaders[first]!, ignored: others }]
      : [];
  });
  const conflicts = [
    ...profiledTwice,
    ...resolution.duplicates.filter((duplicate) => !claimed.has(duplicate.column.key)),
  ];
  return {
    readings,
    profileMissing,
    profileFields,
    conflicts,
    overridden: overriddenByProfile,
    resolution: {
      columns,
      unknown: resolution.unknown,
      proposals,
      duplicates: [...overriddenByProfile, ...conflicts],
      missing: resolution.missing.filter((column) => !claimed.has(column.key)),
    },
  };
}

/** The profile's value mappings as a lookup: field + folded source value -> the value to read. */
export function profileValues(profile: ProfileInUse | undefined) {
  if (!profile?.values.length) return undefined;
  const fold = (value: string) => value.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
  const map = new Map(profile.values.map((v) => [`${v.field}\n${fold(v.source)}`, v.value]));
  return (field: string, cell: string) => map.get(`${field}\n${fold(cell)}`);
}

export function readInventoryHeaders(
  fileHeaders: readonly string[],
  profile?: ProfileInUse,
): HeaderReading<InventoryRecord> {
  const mapping = mapInventoryHeaders(fileHeaders, profile);
  const { resolution } = mapping;
  const profileName = profile?.name ? `「${profile.name}」` : '';
  const profileWarnings = mapping.profileMissing.length
    ? [
        `映射方案${profileName}中的 ${mapping.profileMissing.length} 个列在文件中不存在：${boundedList(mapping.profileMissing).zh}；请确认上传的是该方案对应的导出文件，或更新映射方案 | The mapping profile${profile?.name ? ` ${profile.name}` : ''} names ${mapping.profileMissing.length} column(s) the file does not have: ${boundedList(mapping.profileMissing).en}; check that this is the export the profile was made for, or update the profile`,
      ]
    : [];
  const key = inventoryTemplate.columnByKey('applicationNumber')!;
  const proposalOf = new Map(resolution.proposals.map((proposal) => [proposal.header, proposal]));

  if (resolution.missing.includes(key)) {
    const like = resolution.proposals.find((proposal) => proposal.column === key);
    const spellings = keySpellings(key);
    return {
      headers: [],
      warnings: profileWarnings,
      refusal: {
        messageZh: `未找到申请号列：文件必须有一列申请号（列名可为 ${spellings.join('、')}）${
          like ? `；列「${quoted(like.header)}」看起来是申请号，请将其改名为「${key.zh}」` : ''
        }`,
        messageEn: `No application number column: the file needs one (named ${spellings.join(', ')})${
          like ? `; column ${quoted(like.header)} looks like it: rename it to ${key.zh}` : ''
        }`,
      },
    };
  }

  if (mapping.conflicts.length) {
    return { headers: [], warnings: profileWarnings, refusal: duplicateRefusal(mapping.conflicts) };
  }

  const warnings: string[] = [...profileWarnings];
  for (const overridden of mapping.overridden.slice(0, maxListedHeaders)) {
    const column = name(overridden.column);
    const others = boundedList(overridden.ignored);
    warnings.push(
      `映射方案${profileName}指定「${quoted(overridden.used)}」为${column.zh}，列「${others.zh}」未导入 | The mapping profile${profile?.name ? ` ${profile.name}` : ''} reads ${column.en} from ${quoted(overridden.used)}; column(s) ${others.en} were not imported`,
    );
  }
  const ignored = resolution.unknown.filter((header) => !proposalOf.has(header));
  if (ignored.length) {
    const listed = boundedList(ignored);
    warnings.push(
      `已忽略 ${ignored.length} 个不在盘点模板中的列：${listed.zh} | Ignored ${ignored.length} column(s) that are not in the inventory template: ${listed.en}`,
    );
  }
  for (const proposal of resolution.proposals) {
    const column = name(proposal.column);
    warnings.push(
      `列「${quoted(proposal.header)}」看起来是${column.zh}（相近列名「${proposal.like}」），但未自动对应，该列未导入：请将列名改为「${proposal.column.zh}」或在映射中指定 | Column ${quoted(proposal.header)} looks like ${column.en} (close to "${proposal.like}") but was not mapped, so it was not imported: rename it to ${proposal.column.zh} or map it`,
    );
  }
  const missingRequired = resolution.missing.filter((column) => column.required);
  for (const column of missingRequired) {
    const shown = name(column);
    if (column.key === 'inventors') {
      warnings.push(
        `文件没有${shown.zh}列：专利按未填发明人保存；请补充该列后重新上传 | The file has no ${shown.en} column: the patents were stored without inventors; add the column and upload again`,
      );
    } else if (column.key === 'patentType') {
      warnings.push(
        `文件没有${shown.zh}列：类型按申请号的类型位确定 | The file has no ${shown.en} column: each patent's type was taken from the type digit of its application number`,
      );
    }
  }
  const refusedFor = missingRequired.filter(
    (column) => column.key !== 'inventors' && column.key !== 'patentType',
  );
  if (refusedFor.length) {
    warnings.push(
      `文件缺少必填列：${refusedFor.map((column) => column.zh).join('、')}；缺少这些值的行未导入，请增加这些列后重新上传 | The file lacks required columns ${refusedFor.map((column) => `${column.zh} (${column.en})`).join(', ')}; rows need them and were refused: add the columns and upload again`,
    );
  }

  const absentColumns = new Set(resolution.missing.map((column) => column.key));
  const valueMeaning = profileValues(profile);
  const fieldOf = mapping.profileFields.size
    ? (header: string) => mapping.profileFields.get(header)
    : undefined;
  const context = (today: string, institutionName: string | undefined): RowContext => ({
    today,
    ...(institutionName ? { institutionName } : {}),
    file: { absentColumns, ...(fieldOf ? { fieldOf } : {}), ...(valueMeaning ? { valueMeaning } : {}) },
  });
  return {
    headers: fileHeaders.map((header, i) => (resolution.columns[i] ? header : '')),
    warnings,
    validate: (raw, row, today, owner) => {
      const result = validateInventoryRow(raw, row, context(today, owner.name));
      return { record: result.patent, errors: result.errors, warnings: result.warnings };
    },
  };
}
