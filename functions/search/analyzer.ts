/**
 * How Chinese text becomes search terms, the same way for patents and for queries:
 *   1. normalize: Unicode NFKC (full-width letters and digits become ASCII), lower case, and traditional
 *      characters converted to simplified with OpenCC (opencc-js, `t` -> `cn`), so 鋰電池 finds 锂电池;
 *   2. segment with jieba (@node-rs/jieba, search mode: a long word also yields its parts, 锂离子电池 ->
 *      锂离子/离子/电池), with a domain dictionary built from the project's code lists (GB/T 4754-2017
 *      industry names, strategic emerging industry names, the keywords of the CNIPA IPC concordance) and
 *      the synonym groups, so that 脱氮除磷 or 新一代信息技术 stay whole;
 *   3. drop punctuation, symbols, emoji and stop words (boilerplate of patent texts: 一种, 所述, 本发明 ...).
 * The analyzer only ever yields terms: query syntax (AND, OR, field:, *, quotes) is never interpreted,
 * its symbols are punctuation and its words stop words.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js/t2cn';
import { allIndustries } from '../../schemas/codes/industries.ts';
import { strategicIndustries } from '../../schemas/codes/ipc.ts';
import { strategicKeywordRules } from '../../schemas/codes/ipc-strategic.generated.ts';
import { synonymGroups } from './synonyms.ts';

/** The longest query the engine reads (the route refuses longer ones; the engine bounds its own work too). */
export const maxQueryLength = 200;

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

/** NFKC, lower case, simplified characters. Keeps the length of Chinese text in practice (t2cn maps characters). */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

/**
 * Words of patent boilerplate and query syntax that carry no meaning for ranking. The English ones
 * include the operators of query languages (and, or, not, to), which are thereby plain stop words.
 */
const stopWords = new Set([
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

/** A term must hold a letter or digit of some script: punctuation, symbols and emoji alone are not terms. */
const wordLike = /[\p{L}\p{N}]/u;
const cjk = /\p{Script=Han}/u;

/** Names split where a list of names is joined (、，和 ...): 计算机、通信和其他电子设备制造业 gives its parts too. */
function namesAndParts(name: string): string[] {
  const parts = name.split(/[、，,；;（）()\s]|和|及|与|等/).filter((part) => part.length >= 2);
  return [name, ...parts];
}

/** The domain dictionary in jieba's format (`word frequency`), from the code lists and the synonyms. */
export function domainDictionary(): string {
  const words = new Set<string>();
  for (const industry of allIndustries()) for (const word of namesAndParts(industry.name)) words.add(word);
  for (const industry of strategicIndustries)
    for (const word of namesAndParts(industry.name)) words.add(word);
  for (const rule of strategicKeywordRules) {
    const keywords = rule.replace(/等.*$/, '');
    for (const word of keywords.split('、')) if (word.length >= 2) words.add(word);
  }
  for (const group of synonymGroups) for (const word of group) if (cjk.test(word)) words.add(word);
  // A frequency high enough that jieba keeps the word whole (its own dictionary's common words are ~1e3-1e5).
  return [...words]
    .filter((word) => !/\s/.test(word))
    .map((word) => `${word} 20000`)
    .join('\n');
}

let segmenter: Jieba | undefined;
function jieba(): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    segmenter.loadDict(Buffer.from(domainDictionary(), 'utf8'));
  }
  return segmenter;
}

/** Terms of an already normalized text, in order, repeats kept (term frequency counts them). */
export function termsOfNormalized(normalized: string): string[] {
  const terms: string[] = [];
  for (const token of jieba().cutForSearch(normalized, true)) {
    const term = token.trim();
    if (term && wordLike.test(term) && !stopWords.has(term)) terms.push(term);
  }
  return terms;
}

/** Terms of any text (a patent field or a query). */
export function analyze(text: string): string[] {
  return termsOfNormalized(normalizeText(text));
}

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
