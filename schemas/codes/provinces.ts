import * as z from 'zod';
import { provinceRows } from './provinces.generated.ts';

export const provinceNames: ReadonlyMap<string, string> = new Map(provinceRows);

export const provinceCodeSchema = z
  .string()
  .trim()
  .refine((code) => provinceNames.has(code), {
    message: 'must be a GB/T 2260 province-level code such as 110000 (北京市) or 310000 (上海市)',
  })
  .meta({ description: 'GB/T 2260 province-level administrative division code', example: '110000' });
