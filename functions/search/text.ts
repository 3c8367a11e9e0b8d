/**
 * The parts of text analysis that need no segmenter (./analyzer.ts adds jieba): normalization (NFKC,
 * lower case, traditional to simplified with OpenCC), the stop words and the synonym groups' lookup.
 * Kept apart so that the OpenSearch adapter (./opensearch-index.ts), which runs in Lambda, converts
 * 繁体 queries exactly as the embedded engine does without bundling jieba's native module.
 */
import * as OpenCC from 'opencc-js/t2cn';
import { synonymGroups } from './synonyms.ts';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

/** NFKC, lower case, simplified characters. Keeps the length of Chinese text in practice (t2cn maps characters). */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

/**
 * Function words a long text (a need's description) is full of. Not stop words: the segmenter splits
 * them off words it does not know, where they carry meaning (从 of 从站, 可 of 可拉伸, 可植入), so they
 * stay searchable. They are only never named as the words a match was made on (the explanations of
 * need matches and alerts), nor counted as such.
 */
export const functionWords: ReadonlySet<string> = new Set([
  '可',
  '能够',
  '使',
  '使得',
  '以',
  '并',
  '于',
  '由',
  '从',
  '也',
  '而',
  '即',
  '已',
]);

/** The matched terms worth naming in an explanation (./ports.ts reasons, best first). */
export const explainingTerms = (terms: ReadonlyArray<{ term: string }>, most = 5) =>
  terms
    .map((t) => t.term)
    .filter((term) => !functionWords.has(term))
    .slice(0, most);

/**
 * Words of patent boilerplate and query syntax that carry no meaning for ranking. The English ones
 * include the operators of query languages (and, or, not, to), which are thereby plain stop words.
 */
export const stopWords: ReadonlySet<string> = new Set([
  '一种',
  '及其',
  '其',
  '的',
  '了',
  '和',
  '与',
  '及',
  '或',
  '所述',
  '本发明',
  '本实用新型',
  '公开',
  '包括',
  '通过',
  '用于',
  '具有',
  '一个',
  '以及',
  '进行',
  '等',
  '中',
  '在',
  '对',
  '为',
  '将',
  '该',
  '其中',
  '基于',
  '方法',
  '装置',
  '系统',
  '制备',
  '应用',
  '我们',
  '需要',
  '想要',
  '有没有',
  '什么',
  '怎么',
  '如何',
  '能',
  '可以',
  '用',
  '有',
  '是',
  'a',
  'an',
  'the',
  'and',
  'or',
  'not',
  'of',
  'for',
  'to',
  'in',
  'on',
  'with',
  'by',
]);

/** Each member of a synonym group -> the other members. */
const synonymsOf: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const group of synonymGroups)
    for (const word of group) map.set(word, [...(map.get(word) ?? []), ...group.filter((w) => w !== word)]);
  return map;
})();

export function synonyms(term: string): readonly string[] {
  return synonymsOf.get(term) ?? [];
}
