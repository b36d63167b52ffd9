/** What a Terraform step produces: resource and output changes (sensitive values masked). */

/**
 * What Terraform does to a resource or output. `forget` removes it from the state and leaves the real
 * object (a `removed` block with `destroy = false`). `unknown`: an action list netchange does not
 * know, kept in `rawActions` and treated as a change.
 */
export type ResourceAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'replace'
  | 'read'
  | 'forget'
  | 'unknown'
  | 'no-op';

/** One attribute that differs between before and after (sensitive values already masked). */
export interface AttributeChange {
  /** Dotted path, e.g. `input.wan_ip`. */
  path: string;
  before?: unknown;
  after?: unknown;
  /** True when the value is only known after apply. */
  unknownAfter?: boolean;
}

/** One resource in a Terraform plan. */
export interface ResourceChange {
  address: string;
  type: string;
  /** `managed` resource or `data` source. */
  mode: string;
  action: ResourceAction;
  /**
   * Terraform's own action list when `action` is `unknown` (e.g. `["create", "forget"]`).
   * why: a newer Terraform's action must fail closed: shown by its raw name, never read as no-op.
   */
  rawActions?: string[];
  /** Terraform's reason for the action (e.g. `replace_because_cannot_update`). */
  reason?: string;
  /** Attributes that force a replacement, as dotted paths. */
  replacePaths?: string[];
  /** The resource's address before a `moved` block moved it. */
  movedFrom?: string;
  /** True when the plan imports the resource. */
  importing?: boolean;
  attributes: AttributeChange[];
}

export interface OutputChange {
  name: string;
  action: ResourceAction;
  /** Terraform's own action list when `action` is `unknown`. */
  rawActions?: string[];
  before?: unknown;
  after?: unknown;
  sensitive: boolean;
}

export interface TerraformRun {
  /** Resources whose plan does something (no-op resources that are neither moved nor imported are left out). */
  resources: ResourceChange[];
  outputs: OutputChange[];
  /** From the plan JSON, not the exit code. */
  hasChanges: boolean;
  /**
   * Objects whose real state differs from the recorded state (the plan's `resource_drift`): changed
   * outside Terraform. Absent when none.
   */
  changedOutside?: ResourceChange[];
  /** For apply: Terraform's summary line (`Apply complete! Resources: …`). */
  summary?: string;
}
