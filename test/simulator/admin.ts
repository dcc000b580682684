/** Admin endpoints under /__sim/ (a prefix the real API does not use): views, faults, keys, reset. */
import type { ServerResponse } from 'node:http';
import { checkFault } from './faults';
import { adminJob } from './jobs';
import { isProgressCurve, PROGRESS_CURVES } from './progress';
import type { SimState } from './state';
import { KEY_ROLES, type FaultSpec, type KeyRole, type KeySpec } from './types';
import { sendJson } from './util';

export function handleAdmin(state: SimState, method: string, path: string, body: Buffer, res: ServerResponse): void {
	const route = `${method} ${path.replace(/\/+$/, '')}`;
	let json: unknown = undefined;
	if (method === 'POST' && body.length) {
		try {
			json = JSON.parse(body.toString('utf8'));
		} catch {
			return sendJson(res, 400, { error: 'Invalid JSON body' });
		}
	}
	switch (route) {
		case 'GET /__sim/requests':
			return sendJson(res, 200, state.requests);
		case 'GET /__sim/jobs':
			return sendJson(res, 200, [...state.jobs.values()].map((j) => adminJob(state, j)));
		case 'GET /__sim/deliveries':
			return sendJson(res, 200, state.deliveries);
		case 'GET /__sim/faults':
			return sendJson(res, 200, state.faults);
		case 'POST /__sim/faults': {
			// One fault or a list of them.
			const list = Array.isArray(json) ? json : [json];
			for (const f of list) {
				const err = checkFault(f);
				if (err) return sendJson(res, 400, { error: err });
			}
			list.forEach((f) => addFault(state, f as FaultSpec));
			return sendJson(res, 200, state.faults);
		}
		case 'POST /__sim/reset':
			state.reset();
			return sendJson(res, 200, { ok: true });
		case 'GET /__sim/keys':
			return sendJson(res, 200, [...state.keys.values()]);
		case 'POST /__sim/keys': {
			const err = checkKey(json);
			if (err) return sendJson(res, 400, { error: err });
			return sendJson(res, 200, state.upsertKey(json as KeySpec));
		}
		default:
			return sendJson(res, 404, { error: 'Not found' });
	}
}

export function addFault(state: SimState, f: FaultSpec): void {
	state.faults.push({ ...f });
}

function checkKey(k: unknown): string | null {
	if (typeof k !== 'object' || k === null) return 'body must be an object';
	const o = k as Record<string, unknown>;
	if (typeof o.key !== 'string' || o.key.length < 8) return 'key must be a string of at least 8 characters';
	if (o.credits !== undefined && (typeof o.credits !== 'number' || !Number.isFinite(o.credits))) return 'credits must be a number';
	if (o.active !== undefined && typeof o.active !== 'boolean') return 'active must be a boolean';
	for (const f of ['email', 'teamName', 'plan', 'teamId']) if (o[f] !== undefined && typeof o[f] !== 'string') return `${f} must be a string`;
	if (o.customerId !== undefined && o.customerId !== null && typeof o.customerId !== 'string') return 'customerId must be a string or null';
	if (o.role !== undefined && !KEY_ROLES.includes(o.role as KeyRole)) return `role must be one of ${KEY_ROLES.join(', ')}`;
	if (o.progressCurve !== undefined && !isProgressCurve(o.progressCurve)) return `progressCurve must be one of ${PROGRESS_CURVES.join(', ')}`;
	return null;
}
