import 'vitest';
import type { CustomMatcher } from 'aws-sdk-client-mock-vitest';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the matcher package's own declaration pattern
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
