/**
 * Technology needs in the search engine (docs/search.md, "Needs"): one engine, not two. A need is read
 * as a document of the engine's fields (title as the title, the description where a patent has its
 * abstract, the expected outcome where it has products and advantages, the names of its industry codes
 * as the classification), so needs get the same analyzer, synonyms, BM25F ranking, highlights and
 * reasons as patents. The document's owner is the enterprise (the engine's `institutionUscc`: the
 * owner scope), and an open need is what the engine calls available (`poolStatus: conversion`); the
 * need itself rides along under `need`, and the search use-case answers with it.
 */
import { strategicIndustryByCode } from '../../schemas/codes/ipc.ts';
import type { IndexedPatent } from './ports.ts';

export const needDocument = (need: Record<string, unknown>): IndexedPatent => {
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    applicationNumber: String(need.needId),
    title: need.title,
    abstract: need.description,
    productsAndAdvantages: need.expectedOutcome,
    industryCode: list(need.industryCodes)[0],
    strategicIndustries: list(need.strategicIndustries).map((code) => ({
      code,
      name: strategicIndustryByCode(code)?.name,
    })),
    classifications: list(need.ipcInterests),
    institutionUscc: need.enterpriseUscc,
    provinceCode: need.provinceCode,
    poolStatus: need.status === 'open' ? 'conversion' : 'none',
    version: need.version,
    need,
  };
};
