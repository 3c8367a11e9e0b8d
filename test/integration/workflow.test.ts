import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { clients } from './helpers.ts';

describe('workflows/system-probe.asl.json on the local Step Functions', () => {
  it('runs synchronously through the Step Functions API, as an Express workflow does in AWS', async () => {
    const { sfn } = clients();
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const probe = stateMachines.find((m) => m.stateMachineArn?.endsWith('-system-probe'));
    expect(probe?.type).toBe('EXPRESS');
    const done = await sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: probe!.stateMachineArn,
        input: JSON.stringify({ from: 'test' }),
      }),
    );
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.from).toBe('test');
    expect(output.probes).toEqual([
      expect.objectContaining({ component: 'dynamodb', ok: true }),
      expect.objectContaining({ component: 's3', ok: true }),
    ]);
  });

  it('refuses the history of an Express workflow as AWS does (it keeps none)', async () => {
    const { sfn } = clients();
    const stateMachineArn = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) =>
      m.stateMachineArn?.endsWith('-system-probe'),
    )!.stateMachineArn!;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    expect(executionArn).toContain(':express:');
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'InvalidArn',
    });
    await expect(sfn.send(new GetExecutionHistoryCommand({ executionArn }))).rejects.toMatchObject({
      name: 'InvalidArn',
    });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn }))).rejects.toMatchObject({
      name: 'StateMachineTypeNotSupported',
    });
  });
});
