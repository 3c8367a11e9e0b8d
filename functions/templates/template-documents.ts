/**
 * The downloadable templates' documents (专利盘点模板, the enterprise registration template, the
 * evaluation feedback template): their columns and the words around them, and their CSV rendering.
 * The XLSX rendering (exceljs) is in ./inventory-template.ts; the workbooks the API serves are rendered
 * ahead of time into ./rendered-workbooks.generated.ts (`npm run codes`), so the download function
 * carries no exceljs.
 */
import { stringify } from 'csv-stringify/sync';
import { inventoryColumns, type TemplateColumn } from '../../schemas/inventory/template.ts';
import { enterpriseColumns } from '../../schemas/market-templates/enterprise.ts';
import { evaluationColumns } from '../../schemas/market-templates/evaluation.ts';
import { legalStatusColumns } from '../../schemas/market-templates/legal-status.ts';
import { needColumns } from '../../schemas/market-templates/need.ts';

export const templateSheetName = '盘点模板';

/** One downloadable template: its columns and the words around them. */
export interface TemplateDocument {
  columns: readonly TemplateColumn[];
  /** The data sheet (the first sheet: uploads read it). */
  sheetName: string;
  /** Workbook title and the instructions sheet's heading. */
  title: string;
  instructionsTitle: string;
  /** Instructions, each in Chinese and English. */
  notes: ReadonlyArray<readonly [zh: string, en: string]>;
  /** Download names: Chinese (filename*) and ASCII. */
  fileName: { zh: string; ascii: string };
}

const sharedNotes = (sheetName: string, what: { zh: string; en: string }) =>
  [
    [
      `在「${sheetName}」工作表第 2 行起每行填写一${what.zh}。第 2 行为示例，上传前请删除或改为真实数据。`,
      `Fill in one ${what.en} per row on sheet "${sheetName}" from row 2. Row 2 is an example: delete or overwrite it before uploading.`,
    ],
    [
      '请勿修改第 1 行表头；红色表头为必填列，鼠标悬停在表头上可查看说明。表头也可使用英文列名。',
      'Keep the headers in row 1; red headers are required. Hover over a header for help. The English aliases below are accepted as headers too.',
    ],
  ] as const;

export const inventoryDocument: TemplateDocument = {
  columns: inventoryColumns,
  sheetName: templateSheetName,
  title: '专利盘点模板 Patent inventory template',
  instructionsTitle: '专利盘点模板填写说明 / How to fill in the patent inventory template',
  notes: [
    ...sharedNotes(templateSheetName, { zh: '件专利', en: 'patent' }),
    [
      '申请号、日期和分类号等列已设为文本格式，避免 Excel 把申请号变成科学计数法或改写日期，请勿更改这些列的格式。',
      'Application number, date and code columns are formatted as text so that Excel does not turn application numbers into scientific notation or rewrite dates: keep that format.',
    ],
    [
      '多个值（发明人、转化意愿、分类号等）用“；”分隔。可上传 XLSX 文件，或 UTF-8/GBK 编码的 CSV 文件。',
      'Separate several values (inventors, conversion intents, classifications…) with ；. Upload the XLSX file, or a CSV file in UTF-8 or GBK.',
    ],
  ],
  fileName: { zh: '专利盘点模板', ascii: 'patent-inventory-template' },
};

const enterpriseSheet = '企业登记';
export const enterprisesDocument: TemplateDocument = {
  columns: enterpriseColumns,
  sheetName: enterpriseSheet,
  title: '企业批量登记模板 Enterprise registration template',
  instructionsTitle: '企业批量登记模板填写说明 / How to fill in the enterprise registration template',
  notes: [
    ...sharedNotes(enterpriseSheet, { zh: '家企业', en: 'enterprise' }),
    [
      '由省级管理员上传（POST /v1/uploads，kind=enterprises）：所列企业须在本省，导入即视为审核通过，并按行业、战新分类和 IPC 接收专利推送。其他省份的行不会导入，并在错误报告中列出。',
      'Uploaded by a province administrator (POST /v1/uploads, kind=enterprises): the enterprises must be of your province; they are verified on import and receive patent pushes by industry, strategic industry and IPC. Rows of another province are not imported and are listed in the error report.',
    ],
    [
      '行业、战新分类和 IPC 至少填一项；多个值用“；”分隔。可上传 XLSX 文件，或 UTF-8/GBK 编码的 CSV 文件。',
      'Give at least one industry, strategic industry or IPC prefix; separate several values with ；. Upload the XLSX file, or a CSV file in UTF-8 or GBK.',
    ],
  ],
  fileName: { zh: '企业批量登记模板', ascii: 'enterprise-registration-template' },
};

const evaluationSheet = '评价反馈';
export const evaluationDocument: TemplateDocument = {
  columns: evaluationColumns,
  sheetName: evaluationSheet,
  title: '专利评价反馈模板 Evaluation feedback template',
  instructionsTitle: '专利评价反馈模板填写说明 / How to fill in the evaluation feedback template',
  notes: [
    ...sharedNotes(evaluationSheet, {
      zh: '条评价（一个评价方对一件专利）',
      en: 'evaluation (one evaluator, one patent)',
    }),
    [
      '由省级管理员上传（POST /v1/uploads，kind=evaluations），反馈线下收集的评价：专利须在本省转化池中，评价方须为已审核企业或收到推送的专家，且不能评价本单位的专利；评价窗口关闭后不再接受。同一评价方对同一专利再次上传即更新（保留版本）。',
      "Uploaded by a province administrator (POST /v1/uploads, kind=evaluations) to feed back evaluations collected offline: the patent must be in your province's conversion pool, the evaluator a verified enterprise or an expert the patent was pushed to, never of the patent's own organization; nothing is accepted after the window closes. Uploading the same evaluator and patent again updates the evaluation (versioned).",
    ],
    [
      '申请号和评价方标识已设为文本格式；多个值用“；”分隔。可上传 XLSX 文件，或 UTF-8/GBK 编码的 CSV 文件。',
      'Application number and evaluator id are formatted as text; separate several values with ；. Upload the XLSX file, or a CSV file in UTF-8 or GBK.',
    ],
  ],
  fileName: { zh: '专利评价反馈模板', ascii: 'evaluation-feedback-template' },
};
// ------------------------------------------------------------------------------------------- CSV

/**
 * The standard inventory template as CSV: UTF-8 with BOM (so that Excel reads the Chinese), the header
 * row and the example row, CRLF line ends. `columns` is for tests; callers use the default.
 */
export function renderInventoryTemplateCsv(columns: readonly TemplateColumn[] = inventoryColumns): string {
  return renderTemplateCsv(columns);
}

/** Any template as CSV (UTF-8 with BOM, header and example rows, CRLF). */
export function renderTemplateCsv(columns: readonly TemplateColumn[]): string {
  const lines = [columns.map((column) => column.zh), columns.map((column) => column.example)];
  return stringify(lines, { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

const legalStatusSheet = '法律状态';
export const legalStatusDocument: TemplateDocument = {
  columns: legalStatusColumns,
  sheetName: legalStatusSheet,
  title: '法律状态导入模板 Legal-status template',
  instructionsTitle: '法律状态导入模板填写说明 / How to fill in the legal-status template',
  notes: [
    ...sharedNotes(legalStatusSheet, { zh: '件专利的法律状态', en: "patent's legal status" }),
    [
      '由省级管理员（本省单位的专利）或国家管理员上传（POST /v1/uploads，kind=legal-status），如国家知识产权局专利审查信息查询导出的法律状态：专利须已登记。权利终止（含未缴年费终止）、放弃、无效使专利退出转化流程（lapsed），届满为期限届满（expired），与单位在盘点中更新法律状态的效果相同；已是该状态的专利记为未变更，重复上传同一文件不会重复变更。',
      "Uploaded by a province administrator (its province's patents) or a national administrator (POST /v1/uploads, kind=legal-status), e.g. legal statuses exported from CNIPA's register: the patents must be registered. Terminated (annual fee not paid included), abandoned and invalidated make the patent leave the pipeline (lapsed), expired is the end of the term (expired), as when the institution updates the legal status in its inventory; a patent already in that status is unchanged, and uploading the same file again changes nothing.",
    ],
    [
      '每件专利一行（同一申请号只写最新的状态）；公告日不能晚于今天，早于已记录状态公告日的行不导入。可上传 XLSX 文件，或 UTF-8/GBK 编码的 CSV 文件。',
      'One row per patent (its latest status only); the date may not be after today, and a row older than the status already recorded is not imported. Upload the XLSX file, or a CSV file in UTF-8 or GBK.',
    ],
  ],
  fileName: { zh: '法律状态导入模板', ascii: 'legal-status-template' },
};

const needsSheet = '技术需求';
export const needsDocument: TemplateDocument = {
  columns: needColumns,
  sheetName: needsSheet,
  title: '技术需求批量发布模板 Technology-needs template',
  instructionsTitle: '技术需求批量发布模板填写说明 / How to fill in the technology-needs template',
  notes: [
    ...sharedNotes(needsSheet, { zh: '项技术需求', en: 'technology need' }),
    [
      '由省级管理员为本省已登记并通过审核的企业上传（POST /v1/uploads，kind=needs）：每行发布一项需求，直接公开（视同管理员审核通过），并与转化资源库匹配、推送给相关高校。企业也可自行通过 POST /v1/needs 发布（须经本省审核）。',
      "Uploaded by a province administrator for its province's registered and verified enterprises (POST /v1/uploads, kind=needs): each row posts one need, open at once (the administrator is the reviewer), matched with the conversion pool and pushed to the institutions concerned. An enterprise may also post its own with POST /v1/needs (reviewed by its province).",
    ],
    [
      '同一企业同一需求名称只发布一次：重复上传同一文件不会重复发布；名称相同而内容不同的行不导入（请先关闭原需求再以新名称发布）。揭榜挂帅须填写悬赏金额（元）和截止日期；截止日期不能早于今天。行业、战新分类和 IPC 可留空，填写后匹配更准确。可上传 XLSX 文件，或 UTF-8/GBK 编码的 CSV 文件。',
      'One need per enterprise and title: uploading the same file again posts nothing twice; a row with the same title and other contents is not imported (close the need first and post it under a new title). A 揭榜挂帅 challenge gives its reward (yuan) and deadline; the deadline may not be before today. Industry, strategic industry and IPC may be left empty; given, they make the matching sharper. Upload the XLSX file, or a CSV file in UTF-8 or GBK.',
    ],
  ],
  fileName: { zh: '技术需求批量发布模板', ascii: 'technology-needs-template' },
};

/** Every downloadable template, by the name in its URL (GET /v1/templates/<name>.xlsx|.csv). */
export const templateDocuments = {
  inventory: inventoryDocument,
  enterprises: enterprisesDocument,
  evaluation: evaluationDocument,
  'legal-status': legalStatusDocument,
  needs: needsDocument,
} as const satisfies Record<string, TemplateDocument>;
