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
import { allIndustries } from '../../schemas/codes/industries.ts';
import { strategicIndustries } from '../../schemas/codes/ipc.ts';
import { strategicKeywordRules } from '../../schemas/codes/ipc-strategic.generated.ts';
import { synonymGroups } from './synonyms.ts';
import { normalizeText, stopWords } from './text.ts';

export { normalizeText, synonyms } from './text.ts';

/** The longest query the engine reads (the route refuses longer ones; the engine bounds its own work too). */
export const maxQueryLength = 200;

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
