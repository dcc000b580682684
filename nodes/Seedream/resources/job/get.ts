import type { INodeProperties } from 'n8n-workflow';

import { jobIdField, outputOptionsDescription } from '../../shared/descriptions';

const showOnlyForGet = { resource: ['job'], operation: ['get'] };

export const jobGetDescription: INodeProperties[] = [
	jobIdField(showOnlyForGet),
	outputOptionsDescription({ show: showOnlyForGet, downloadDefault: false, withTimeout: false }),
];
