/**
 * The search evaluation set (bench/search/) holds what the bench claims: enough records and queries,
 * deterministic generation, and labels that name real subjects and topics, each query with relevant
 * records in the set.
 */
import { describe, expect, it } from 'vitest';
import { generateEvalPatents } from '../../bench/search/generate.ts';
import { evalQueries, gradeOf } from '../../bench/search/queries.ts';
import { topics } from '../../bench/search/term-banks.ts';
import { inventoryRecordSchema } from '../../schemas/inventory/record.ts';

describe('the search evaluation set', () => {
  const records = generateEvalPatents(2_400, 15);

  it('is generated the same way every time, with unique application numbers', () => {
    expect(generateEvalPatents(50, 15)).toEqual(records.slice(0, 50));
    expect(new Set(records.map((r) => r.applicationNumber)).size).toBe(records.length);
    expect(records.length).toBeGreaterThanOrEqual(2_000);
  });

  it('covers the nine strategic industries, and its records are valid inventory records', () => {
    const industries = new Set(topics.map((t) => t.strategic.code.split('.')[0]));
    expect(industries.size).toBeGreaterThanOrEqual(8);
    for (const record of records.slice(0, 200)) {
      const { topic: _t, subject: _s, ...patent } = record;
      const parsed = inventoryRecordSchema.safeParse({
        ...patent,
        department: '测试学院',
        publiclyFunded: true,
        implementationStatus: 'not-implemented',
        conversionIntents: ['license'],
        incrementalStock: false,
        applicationDate: '2020-01-01',
      });
      expect(parsed.error?.issues ?? [], record.applicationNumber).toEqual([]);
    }
  });

  it('has at least 60 queries whose labels name real subjects or topics, each with relevant records', () => {
    expect(evalQueries.length).toBeGreaterThanOrEqual(60);
    const subjects = new Set(topics.flatMap((t) => t.subjects.map((s) => s.id)));
    const topicIds = new Set(topics.map((t) => `topic:${t.id}`));
    for (const query of evalQueries) {
      for (const label of Object.keys(query.relevant))
        expect(subjects.has(label) || topicIds.has(label), `${query.q}: ${label}`).toBe(true);
      expect(records.filter((r) => gradeOf(query, r) === 2).length, query.q).toBeGreaterThan(0);
    }
  });
});
