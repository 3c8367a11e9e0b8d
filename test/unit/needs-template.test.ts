/**
 * The technology-needs template (schemas/market-templates/need.ts): values as people write them, each
 * bad cell reported with its row, column and reason. The whole path (upload -> job -> needs posted
 * open) is in test/integration/needs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { needTemplate, parseAmountYuan, validateNeedRow } from '../../schemas/market-templates/need.ts';

const ENT = withUsccCheck('91370000NEEDT0001');
const today = '2026-12-07';
const row = (cells: Record<string, string>) =>
  validateNeedRow(
    {
      企业统一社会信用代码: ENT,
      需求名称: '动力电池热失控早期预警技术',
      需求描述: '现有电池包温度监测滞后，需要在热失控前 10 分钟以上发出预警。',
      ...cells,
    },
    2,
    today,
  );
const codes = (result: ReturnType<typeof row>) => result.errors.map((e) => `${e.column}:${e.code}`);

describe('the technology-needs template', () => {
  it('reads amounts in yuan as people write them; a fraction of a yuan or a negative is not an amount', () => {
    expect(
      ['500000', '500,000', '¥500000', '50万元', '50万', '0.5亿', '12.5万', '￥ 1,000 元', '０'].map(
        parseAmountYuan,
      ),
    ).toEqual([500000, 500000, 500000, 500000, 500000, 50000000, 125000, 1000, 0]);
    expect(['12.5', '-5', '五十万', '50美元', ''].map(parseAmountYuan)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a challenge with its reward in 万元 and a deadline typed 2027年6月30日; the conversion is a warning', () => {
    const result = row({
      需求类型: '揭榜',
      '悬赏金额（元）': '50万元',
      截止日期: '2027年6月30日',
      关注的IPC分类: 'H01M 10/48',
    });
    expect(result.errors).toEqual([]);
    expect(result.record).toMatchObject({
      enterpriseUscc: ENT,
      kind: 'challenge',
      rewardYuan: 500000,
      deadline: '2027-06-30',
      ipcInterests: ['H01M 10'],
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['IPC_PREFIX_SHORTENED', 'CONVERTED']);
  });

  it('a plain need needs no reward, deadline nor codes; the kind defaults to a need', () => {
    const result = row({});
    expect(result.errors).toEqual([]);
    expect(result.record).toMatchObject({ kind: 'need', industryCodes: [], ipcInterests: [] });
    expect(result.record?.rewardYuan).toBeUndefined();
  });

  it('refuses each bad cell with its column and a reason that says what to write', () => {
    expect(codes(row({ 需求类型: '揭榜挂帅' }))).toEqual([
      '悬赏金额（元）:CHALLENGE_TERMS',
      '截止日期:CHALLENGE_TERMS',
    ]);
    expect(codes(row({ 截止日期: '2026-12-06' }))).toEqual(['截止日期:DEADLINE_IN_PAST']);
    expect(codes(row({ 截止日期: '2026-02-30' }))).toEqual(['截止日期:INVALID_DATE']);
    expect(codes(row({ '悬赏金额（元）': '-100' }))).toEqual(['悬赏金额（元）:INVALID_AMOUNT']);
    expect(codes(row({ 企业统一社会信用代码: '123' }))).toEqual(['企业统一社会信用代码:INVALID_USCC']);
    expect(codes(row({ 需求描述: '太短' }))).toEqual(['需求描述:INVALID_VALUE']);
    expect(codes(row({ 国民经济行业分类: 'Z9999' }))).toEqual(['国民经济行业分类:UNKNOWN_INDUSTRY']);
    const missing = row({ 需求名称: '' });
    expect(missing.record).toBeUndefined();
    expect(missing.errors[0]).toMatchObject({ row: 2, column: '需求名称' });
    const past = row({ 截止日期: '2026-12-06' }).errors[0]!;
    expect(past.messageZh).toContain('2026-12-06');
    expect(past.messageEn).toContain('give today or a later day');
  });

  it('recognizes the headers offices use', () => {
    expect(
      ['统一社会信用代码', '需求标题', '问题描述', '技术指标', '悬赏金额', '揭榜截止日期', '类型'].map(
        (h) => needTemplate.columnByHeader(h)?.key,
      ),
    ).toEqual(['enterpriseUscc', 'title', 'description', 'expectedOutcome', 'reward', 'deadline', 'kind']);
  });
});
