/**
 * How an inventory file's header row is read (issue 12): never a reason to refuse the file, apart
 * from a missing key column (申请号) and two columns naming one field. Each header is matched by the template's synonyms after
 * normalization (schemas/inventory/template.ts `resolveHeaders`); what is not matched is ignored and
 * listed on the job, with a proposal when it resembles a column (never mapped silently); two columns
 * naming one field refuse the file, naming both (reading one would silently drop the other);
 * required columns the file lacks are listed, and the rows say what that means (patent-row.ts).
 * Every warning is bounded: a hostile header row of a million columns gives a few KB.
 */
import {
  type InventoryRecord,
  type RowContext,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import {
  boundedList,
  type HeaderResolution,
  inventoryTemplate,
  type TemplateColumn,
} from '../../schemas/inventory/template.ts';
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

export function readInventoryHeaders(fileHeaders: readonly string[]): HeaderReading<InventoryRecord> {
  const resolution = inventoryTemplate.resolveHeaders(fileHeaders);
  const key = inventoryTemplate.columnByKey('applicationNumber')!;
  const proposalOf = new Map(resolution.proposals.map((proposal) => [proposal.header, proposal]));

  if (resolution.missing.includes(key)) {
    const like = resolution.proposals.find((proposal) => proposal.column === key);
    const spellings = keySpellings(key);
    return {
      headers: [],
      warnings: [],
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

  if (resolution.duplicates.length) {
    return { headers: [], warnings: [], refusal: duplicateRefusal(resolution.duplicates) };
  }

  const warnings: string[] = [];
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
  const context = (today: string): RowContext => ({ today, file: { absentColumns } });
  return {
    headers: fileHeaders.map((header, i) => (resolution.columns[i] ? header : '')),
    warnings,
    validate: (raw, row, today) => {
      const result = validateInventoryRow(raw, row, context(today));
      return { record: result.patent, errors: result.errors, warnings: result.warnings };
    },
  };
}
