/**
 * The evaluation patents, generated deterministically from the term banks (./term-banks.ts): the same
 * seed gives the same records on every machine. Each record knows its topic and subject, which is what
 * the relevance labels of ./queries.ts grade. Titles and abstracts follow the patterns of Chinese
 * filings (一种…及其制备方法; 本发明公开了一种…，…，解决了…的问题).
 */
import type { IndexedPatent } from '../../functions/search/ports.ts';
import { random } from '../../infra/local/demo-patents.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { tierValues } from '../../schemas/lifecycle.ts';
import { topics } from './term-banks.ts';

export type EvalPatent = IndexedPatent & { topic: string; subject: string };

const provinces = [...provinceNames.keys()];
const titleForms = [
  (name: string) => `一种${name}`,
  (name: string) => `一种${name}及其制备方法`,
  (name: string, scenario: string) => `一种用于${scenario}的${name}`,
  (name: string) => `${name}、装置及存储介质`,
  (name: string) => `一种改进的${name}`,
  (name: string) => `一种${name}及其应用`,
];

/** `count` records; the seed fixes everything (the set of the bench is seed 15, the latency set seed 100). */
export function generateEvalPatents(count: number, seed = 15): EvalPatent[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const institutions = Array.from({ length: 40 }, (_, i) =>
    withUsccCheck(
      `12${pick(provinces)}MB${String(seed % 100).padStart(2, '0')}${String(i).padStart(5, '0')}`,
    ),
  );
  const records: EvalPatent[] = [];
  for (let i = 0; i < count; i++) {
    const topic = pick(topics);
    const subject = pick(topic.subjects);
    const name = pick(subject.names);
    const scenario = pick(topic.scenarios);
    const means = pick(subject.means);
    const problem = pick(subject.problems);
    const effect = pick(topic.effects);
    const product = pick(subject.products);
    const title = pick(titleForms)(name, scenario);
    const second = next() < 0.5 ? `，并且${pick(subject.means.filter((m) => m !== means)) ?? means}` : '';
    const abstract = `本发明公开了一种${name}，${means}${second}，解决了${problem}的问题。${effect}，可用于${scenario}等场景。`;
    const otherScenario = pick(topic.scenarios);
    const year = 2012 + Math.floor(next() * 12);
    const institutionUscc = pick(institutions);
    const classifications = [pick(topic.ipc), ...(next() < 0.4 ? [pick(topic.ipc)] : [])];
    records.push({
      applicationNumber: withApplicationCheck(
        `${year}1${String((seed * 100_000 + i) % 10_000_000).padStart(7, '0')}`,
      ),
      title,
      abstract,
      applicationScenarios: otherScenario === scenario ? scenario : `${scenario}；${otherScenario}`,
      productsAndAdvantages: `${product}：${effect}`,
      patentType: 'invention',
      legalStatus: 'valid',
      poolStatus: 'conversion',
      lifecycle: 'conversion-pool',
      institutionUscc,
      provinceCode: institutionUscc.slice(2, 8),
      industryCode: topic.industryCode,
      strategicIndustries: [{ ...topic.strategic, inferred: false }],
      classifications: [...new Set(classifications)],
      trl: 1 + Math.floor(next() * 9),
      ...(next() < 0.3 ? { tier: pick(tierValues) } : {}),
      inventors: ['张三'],
      version: 1,
      topic: topic.id,
      subject: subject.id,
    });
  }
  return records;
}
