/**
 * How an inventory file's header row is read (issue 12): never a reason to refuse the file, apart
 * from a missing key column (申请号). Each header is matched by the template's synonyms after
 * normalization (schemas/inventory/template.ts `resolveHeaders`); what is not matched is ignored and
 * listed on the job, with a proposal when it resembles a column (never mapped silently); a column
 * named twice is read from its most direct header (then the leftmost) and the others are listed;
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
  readings: ColumnReading[];
  resolution: HeaderResolution;
  /** Headers the profile maps to a field that the file does not have. */
  profileMissing: string[];
  /** Header (as the file writes it) -> field, for the columns the profile maps. */
  profileFields: Map<string, string>;
}

const rankConfidence = [1, 0.95, 0.85] as const;

/** Reads a header row with the template's synonyms and, first, the profile's columns. */
export function mapInventoryHeaders(
  fileHeaders: readonly string[],
  profile?: ProfileInUse,
): InventoryHeaderMapping {
  const byLoose = new Map((profile?.columns ?? []).map((c) => [looseHeader(c.header), c.field]));
  const profiled = fileHeaders.map((header) =>
    normalizeHeader(header) === '' || byLoose.size === 0 ? undefined : byLoose.get(looseHeader(header)),
  );
  const blanked = fileHeaders.map((header, i) => (profiled[i] !== undefined ? '' : header));
  const resolution = inventoryTemplate.resolveHeaders(blanked);
  const claimed = new Set(profiled.filter((field): field is string => !!field && field !== 'ignore'));
  const columns = resolution.columns.slice();
  const readings: ColumnReading[] = fileHeaders.map((header, index) => ({
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
    readings[i] = { ...readings[i]!, source: 'profile', confidence: 1, ...(column ? { column } : {}) };
    if (column) {
      profileFields.set(fileHeaders[i]!, column.key);
      if (!firstOfField.has(column.key)) firstOfField.set(column.key, i);
    }
  });
  const overridden = new Map<string, string[]>();
  blanked.forEach((header, j) => {
    if (header === '' || normalizeHeader(header) === '') return;
    const match = inventoryTemplate.matchHeader(header);
    if (!match) return;
    if (claimed.has(match.column.key)) {
      columns[j] = undefined;
      overridden.set(match.column.key, [...(overridden.get(match.column.key) ?? []), header]);
      readings[j] = {
        ...readings[j]!,
        source: 'duplicate',
        confidence: rankConfidence[match.rank],
        like: match.column,
      };
    } else if (columns[j]) {
      readings[j] = {
        ...readings[j]!,
        column: match.column,
        source: match.rank === 0 ? 'template' : 'synonym',
        confidence: rankConfidence[match.rank],
      };
    } else {
      readings[j] = {
        ...readings[j]!,
        source: 'duplicate',
        confidence: rankConfidence[match.rank],
        like: match.column,
      };
    }
  });
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
  const present = new Set(fileHeaders.map((header) => looseHeader(header)));
  const profileMissing = (profile?.columns ?? [])
    .filter((c) => c.field !== 'ignore' && !present.has(looseHeader(c.header)))
    .map((c) => c.header);
  return {
    readings,
    profileMissing,
    profileFields,
    resolution: {
      columns,
      unknown: resolution.unknown,
      proposals,
      duplicates: [
        ...[...overridden].map(([key, ignored]) => ({
          column: inventoryTemplate.columnByKey(key)!,
          used: fileHeaders[firstOfField.get(key)!]!,
          ignored,
        })),
        ...resolution.duplicates.filter((duplicate) => !claimed.has(duplicate.column.key)),
      ],
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
        `映射方案${profileName}中的 ${mapping.profileMissing.length} 个列在文件中不存在：${boundedList(mapping.profileMissing).zh}；请确认上传的是该方案对应的导出文件，或更新映射方案 | The mapping profile ${profile?.name ?? ''} names ${mapping.profileMissing.length} column(s) the file does not have: ${boundedList(mapping.profileMissing).en}; check that this is the export the profile was made for, or update the profile`,
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

  const warnings: string[] = [...profileWarnings];
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
  for (const duplicate of resolution.duplicates.slice(0, maxListedHeaders)) {
    const column = name(duplicate.column);
    const others = boundedList(duplicate.ignored);
    warnings.push(
      `列「${quoted(duplicate.used)}」和「${others.zh}」都对应${column.zh}：已读取「${quoted(duplicate.used)}」，忽略其余；请删除或改名重复的列 | Columns ${quoted(duplicate.used)} and ${others.en} all mean ${column.en}: ${quoted(duplicate.used)} was read and the others ignored; delete or rename the duplicates`,
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
  const context = (today: string): RowContext => ({
    today,
    file: { absentColumns, ...(fieldOf ? { fieldOf } : {}), ...(valueMeaning ? { valueMeaning } : {}) },
  });
  return {
    headers: fileHeaders.map((header, i) => (resolution.columns[i] ? header : '')),
    warnings,
    validate: (raw, row, today) => {
      const result = validateInventoryRow(raw, row, context(today));
      return { record: result.patent, errors: result.errors, warnings: result.warnings };
    },
  };
}
