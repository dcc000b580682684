import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

function setPath(target: IDataObject, path: string, value: unknown): void {
	const keys = path.split('.');
	let node = target;
	for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as IDataObject;
	node[keys[keys.length - 1]] = value as IDataObject[string];
}

function bodyPathOf(property: INodeProperties): string | undefined {
	const send = property.routing?.send;
	return send?.type === 'body' && typeof send.property === 'string' ? send.property : undefined;
}

/** True when the field's own conditions (other than resource and operation) hold for this row. */
function isShown(ctx: IExecuteFunctions, property: INodeProperties, itemIndex: number): boolean {
	const show = property.displayOptions?.show ?? {};
	return Object.entries(show).every(
		([name, allowed]) =>
			name === 'resource' || name === 'operation' || (allowed ?? []).includes(ctx.getNodeParameter(name, itemIndex, undefined) as never),
	);
}

/**
 * Builds a row's request body from the fields' own `routing.send` declarations, the way n8n's
 * routing engine would: a shown field, or an option the user added to a collection, is sent at
 * its declared path (`seedreamParams.guidance_scale`); a field without a value is not sent.
 */
export function bodyFromFields(ctx: IExecuteFunctions, itemIndex: number, properties: INodeProperties[]): IDataObject {
	const body: IDataObject = {};
	for (const property of properties) {
		if (!isShown(ctx, property, itemIndex)) continue;
		if (property.type === 'collection') {
			const chosen = ctx.getNodeParameter(property.name, itemIndex, {}) as IDataObject;
			for (const option of (property.options ?? []) as INodeProperties[]) {
				const path = bodyPathOf(option);
				if (path && chosen[option.name] !== undefined) setPath(body, path, chosen[option.name]);
			}
			continue;
		}
		const path = bodyPathOf(property);
		if (path) setPath(body, path, ctx.getNodeParameter(property.name, itemIndex, undefined));
	}
	return body;
}
