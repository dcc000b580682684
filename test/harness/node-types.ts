/**
 * The node-type registry the engine looks types up in, plus the harness's own start node.
 */
import type {
	IDataObject,
	INode,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

/**
 * The type name of n8n's "When clicking 'Execute workflow'" trigger. Workflows exported from the
 * editor usually start with it, so the harness implements it under the same name: such JSON
 * runs unchanged, and workflows without a start node get one of these prepended.
 */
export const START_NODE_TYPE = 'n8n-nodes-base.manualTrigger';
export const START_NODE_NAME = 'Start';

/**
 * Stand-in for the manual trigger. The real one is a trigger node, which WorkflowExecute runs
 * through TriggersAndPollers and which always emits one empty item. This one is a plain
 * `execute()` node that passes on whatever the harness put on the execution stack for it —
 * that is how `inputItems` reach the first real node.
 */
class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Start (harness)',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items the test harness was given',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType>;

	constructor(types: Record<string, INodeType | IVersionedNodeType>) {
		// Caller-supplied types win, so a test may bring its own start node implementation.
		this.types = { [START_NODE_TYPE]: new HarnessStart(), ...types };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (type === undefined) {
			throw new UnexpectedError(
				`Unknown node type "${nodeType}" — pass it in nodeTypes (known: ${Object.keys(this.types).join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(Object.keys(this.types).map((name) => [name, {}]));
	}
}

/**
 * Workflow JSON from the editor names a credential by id; tests often leave `credentials` out.
 * Fill in a reference for every credential the node type declares and the test supplied, so
 * `getCredentials` finds it (it checks `node.credentials[type]` before asking the helper).
 */
export function attachCredentials(
	nodes: INode[],
	nodeTypes: INodeTypes,
	hasData: (credentialType: string) => boolean,
): void {
	for (const node of nodes) {
		const { credentials } = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
		for (const { name } of credentials ?? []) {
			if (!hasData(name) || node.credentials?.[name] !== undefined) continue;
			node.credentials = { ...node.credentials, [name]: { id: `harness-${name}`, name } };
		}
	}
}
