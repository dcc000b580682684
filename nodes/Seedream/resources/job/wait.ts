import type { INodeProperties } from 'n8n-workflow';

import { jobIdField, outputOptionsDescription } from '../../shared/descriptions';

const showOnlyForWait = { resource: ['job'], operation: ['wait'] };

export const jobWaitDescription: INodeProperties[] = [
	jobIdField(showOnlyForWait),
	outputOptionsDescription({ show: showOnlyForWait, downloadDefault: true, withTimeout: true }),
];
