import type { Context } from 'aws-lambda';

/** A fake Lambda context, as Powertools' testing package builds it. */
export const lambdaContext = (functionName = 'unit-function'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionVersion: '$LATEST',
  functionName,
  memoryLimitInMB: '128',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/25/[$LATEST]abcdef',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
