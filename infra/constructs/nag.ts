/**
 * cdk-nag acknowledgements, one finding at a time and always with a reason (cdk-nag 3 matches ids
 * exactly: `AwsSolutions-IAM5[Resource::...]` names one wildcard of one policy).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/** Acknowledges an IAM5 wildcard action such as `s3:GetObject*` on the policies under `scope`. */
export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  acknowledge(scope, `IAM5[Action::${action}]`, reason);
}

/**
 * Acknowledges an IAM5 wildcard resource `${arn}${suffix}` on the policies under `scope`, where `arn`
 * may be a token: it is rendered the way cdk-nag renders it (`<Logical.Arn>`, `<AWS::Region>`, the
 * export name of an `Fn::ImportValue`).
 */
export function acknowledgeWildcardResource(
  scope: IConstruct,
  arn: string,
  suffix: string,
  reason: string,
): void {
  acknowledge(scope, `IAM5[Resource::${nagRendering(Stack.of(scope).resolve(arn))}${suffix}]`, reason);
}

/** The flat string cdk-nag 3 derives from a CloudFormation reference (its flattenCfnReference). */
export function nagRendering(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  if (node && typeof node === 'object') {
    const fn = node as Record<string, unknown>;
    if (fn['Fn::Join']) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(nagRendering).join(delimiter);
    }
    if (fn['Fn::Sub']) return nagRendering(fn['Fn::Sub']);
    if (fn['Fn::GetAtt']) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${nagRendering(resource)}.${nagRendering(attribute)}>`;
    }
    if (fn['Fn::ImportValue']) return nagRendering(fn['Fn::ImportValue']);
    if (fn.Ref) return `<${nagRendering(fn.Ref)}>`;
  }
  return JSON.stringify(node);
}
