/**
 * One organization name as a key: two spellings of the same registered name (full-width or half-width
 * characters and brackets, letter case, spaces) give the same key. Used wherever a name written in a
 * file is compared with a registered name: an inventory's 专利权人 against the institution's own name
 * (schemas/inventory/patent-row.ts), and a co-owner (共有专利权人) against the institutions that may
 * read the patent as co-owners (functions/patents/co-ownership.ts). NFKC folds full-width forms
 * (（）→ (), ＡＢＣ → ABC); nothing looser (abbreviations, 的/之) is guessed: a wrong match would show a
 * patent to an institution that does not own it.
 */
export const organizationKey = (name: string): string =>
  name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
