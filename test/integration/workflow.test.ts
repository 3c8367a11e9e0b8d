import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { clients, eventually } from './helpers.ts';

describe('workflows/system-probe.asl.json on the local Step Functions', () => {
  it('executes through the Step Functions API and records the event history AWS would', async () => {
    const { sfn } = clients();
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const probe = stateMachines.find((m) => m.stateMachineArn?.endsWith('-system-probe'));
    expect(probe?.type).toBe('EXPRESS');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: probe!.stateMachineArn,
        input: JSON.stringify({ from: 'test' }),
      }),
    );
    const done = await eventually(async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    });
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.from).toBe('test');
    expect(output.probes).toEqual([
      expect.objectContaining({ component: 'dynamodb', ok: true }),
      expect.objectContaining({ component: 's3', ok: true }),
    ]);
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toContain('ParallelStateEntered');
    const taskNames = events
      .filter((e) => e.type === 'TaskStateEntered')
      .map((e) => e.stateEnteredEventDetails?.name)
      .sort();
    expect(taskNames).toEqual(['ProbeObjectStore', 'ProbeStore']);
    expect(types.filter((t) => t === 'TaskStateExited')).toHaveLength(2);
  });
});
