import type { IDataObject } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	CUSTOM_SIZE_MAX_PX,
	CUSTOM_SIZE_MIN_PX,
	GUIDANCE_MAX,
	GUIDANCE_MIN,
	GUIDANCE_STEP,
	OUTPUT_FORMATS,
	PROMPT_MAX_CHARS,
	REFERENCE_IMAGES_MAX,
	SCHEMA_SIZE_MIN_PX,
	SEED_MAX,
	SEEDREAM_MODEL_ID,
	SEEDREAM_MODEL_PATTERN,
	SIZES,
	WEBHOOK_EVENTS,
} from '../../shared/constants';

/**
 * What a model accepts: Seedream 4.5's documented rules for 4.5; for the rest of the family only
 * what Apiframe's v2 OpenAPI schema says (any size and aspect text, 512–4096 px, guidance 1–10).
 */
interface ModelRules {
	guidanceStep?: number;
	aspectRatios?: readonly string[];
	sizes?: readonly string[];
	customMinPx: number;
}
const SEEDREAM_45_RULES: ModelRules = { guidanceStep: GUIDANCE_STEP, aspectRatios: ASPECT_RATIOS, sizes: SIZES, customMinPx: CUSTOM_SIZE_MIN_PX };
const SCHEMA_RULES: ModelRules = { customMinPx: SCHEMA_SIZE_MIN_PX };

export function rulesFor(model: unknown): ModelRules {
	return model === SEEDREAM_MODEL_ID ? SEEDREAM_45_RULES : SCHEMA_RULES;
}

/** One bad field: the label the user sees in the node, what they gave, and what is allowed. */
export interface FieldProblem {
	field: string;
	value: unknown;
	allowed: string;
}

export function describeProblems(problems: FieldProblem[]): string {
	return problems.map((p) => `${p.field} ${p.allowed} (got ${JSON.stringify(p.value)})`).join('; ');
}

/** Spreadsheet cells arrive as text: "5" is a fine guidance scale. */
function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return undefined;
}

function toBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 'true') return true;
	if (value === 'false') return false;
	return undefined;
}

function isWebUrl(value: unknown): boolean {
	if (typeof value !== 'string' || !URL.canParse(value)) return false;
	const { protocol } = new URL(value);
	return protocol === 'http:' || protocol === 'https:';
}

/** URLs typed one per line, separated by commas, or given as an array by an expression. */
export function splitUrlList(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitUrlList);
	if (typeof value !== 'string') return value === undefined || value === null ? [] : [String(value)];
	return value
		.split(/[\n,]+/)
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

type Check = (params: IDataObject, problems: FieldProblem[], referenceFiles: number, rules: ModelRules) => void;

const checkParams: Check[] = [
	(params, problems, _references, { guidanceStep }) => {
		if (params.guidance_scale === undefined) return;
		const value = toNumber(params.guidance_scale);
		const onStep = value !== undefined && (!guidanceStep || Number.isInteger((value - GUIDANCE_MIN) / guidanceStep));
		if (value === undefined || value < GUIDANCE_MIN || value > GUIDANCE_MAX || !onStep) {
			problems.push({
				field: 'Guidance Scale',
				value: params.guidance_scale,
				allowed: `must be a number from ${GUIDANCE_MIN} to ${GUIDANCE_MAX}${guidanceStep ? ` in steps of ${guidanceStep}` : ''}`,
			});
		} else params.guidance_scale = value;
	},
	(params, problems) => {
		if (params.seed === undefined) return;
		const value = toNumber(params.seed);
		if (value === undefined || !Number.isInteger(value) || value < 0 || value > SEED_MAX) {
			problems.push({ field: 'Seed', value: params.seed, allowed: `must be a whole number from 0 to ${SEED_MAX}` });
		} else params.seed = value;
	},
	(params, problems) => {
		for (const [key, label] of [
			['enhance_prompt', 'Enhance Prompt'],
			['use_pre_llm', 'Use Pre-LLM'],
		] as const) {
			if (params[key] === undefined) continue;
			const value = toBoolean(params[key]);
			if (value === undefined) problems.push({ field: label, value: params[key], allowed: 'must be true or false' });
			else params[key] = value;
		}
	},
	(params, problems, _references, rules) => {
		const oneOf = (key: string, label: string, allowed: readonly string[] | undefined) => {
			const value = params[key];
			if (value === undefined) return;
			if (allowed && !allowed.includes(value as string)) {
				problems.push({ field: label, value, allowed: `must be one of ${allowed.join(', ')}` });
			} else if (!allowed && (typeof value !== 'string' || value.trim() === '')) {
				problems.push({ field: label, value, allowed: 'must be text' });
			}
		};
		oneOf('output_format', 'Output Format', OUTPUT_FORMATS);
		oneOf('aspect_ratio', 'Aspect Ratio', rules.aspectRatios);
		oneOf('size', 'Size', rules.sizes);
		oneOf('resolution', 'Resolution', undefined);
	},
	(params, problems, _references, { customMinPx }) => {
		for (const [key, label] of [
			['width', 'Width'],
			['height', 'Height'],
		] as const) {
			if (params.size !== 'custom') {
				delete params[key];
				continue;
			}
			const value = toNumber(params[key]);
			if (value === undefined || !Number.isInteger(value) || value < customMinPx || value > CUSTOM_SIZE_MAX_PX) {
				problems.push({
					field: label,
					value: params[key],
					allowed: `must be a whole number of pixels from ${customMinPx} to ${CUSTOM_SIZE_MAX_PX} when Size is Custom`,
				});
			} else params[key] = value;
		}
	},
	(params, problems, referenceFiles) => {
		const urls = params.image_input as string[] | undefined;
		if (urls === undefined && referenceFiles === 0) {
			if (params.aspect_ratio === 'match_input_image') {
				problems.push({
					field: 'Aspect Ratio',
					value: 'match_input_image',
					allowed: 'can match the input image only when a Reference Image is given',
				});
			}
			return;
		}
		const count = (urls?.length ?? 0) + referenceFiles;
		if (count > REFERENCE_IMAGES_MAX) {
			problems.push({
				field: 'Reference Images',
				value: `${count} images (URLs and binary properties together)`,
				allowed: `must be at most ${REFERENCE_IMAGES_MAX}`,
			});
		}
		for (const url of (urls ?? []).filter((candidate) => !isWebUrl(candidate))) {
			problems.push({ field: 'Reference Image URLs', value: url, allowed: 'must be http(s) URLs' });
		}
	},
];

/**
 * Checks and normalises a Generate request body in place, the way the API will judge it, so that a
 * bad row fails on its own with a message naming the field, before any paid request.
 * `referenceFiles` counts the binary references that will be uploaded and added to `image_input`.
 */
export function validateGenerateBody(body: IDataObject, referenceFiles = 0): FieldProblem[] {
	const problems: FieldProblem[] = [];
	const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : body.prompt;
	if (typeof prompt !== 'string' || prompt.length === 0 || prompt.length > PROMPT_MAX_CHARS) {
		problems.push({
			field: 'Prompt',
			value: typeof prompt === 'string' && prompt.length > 40 ? `${prompt.slice(0, 40)}… (${prompt.length} characters)` : prompt,
			allowed: `must be text of 1 to ${PROMPT_MAX_CHARS} characters`,
		});
	} else body.prompt = prompt;

	const params = (body.seedreamParams ?? {}) as IDataObject;
	for (const key of Object.keys(params)) if (params[key] === '' || params[key] === undefined) delete params[key];
	const urls = splitUrlList(params.image_input);
	if (urls.length) params.image_input = urls;
	else delete params.image_input;
	if (typeof body.model !== 'string' || !SEEDREAM_MODEL_PATTERN.test(body.model)) {
		problems.push({ field: 'Model', value: body.model, allowed: 'must be the ID of a Seedream model Apiframe serves (seedream-…)' });
	}
	const rules = rulesFor(body.model);
	for (const check of checkParams) check(params, problems, referenceFiles, rules);
	if (Object.keys(params).length) body.seedreamParams = params;
	else delete body.seedreamParams;

	if (body.webhookUrl !== undefined && body.webhookUrl !== '') {
		if (!isWebUrl(body.webhookUrl)) {
			problems.push({ field: 'Webhook URL', value: body.webhookUrl, allowed: 'must be an http(s) URL' });
		}
		const events = body.webhookEvents as unknown[] | undefined;
		if (events !== undefined && (!Array.isArray(events) || events.length === 0 || events.some((e) => !(WEBHOOK_EVENTS as readonly unknown[]).includes(e)))) {
			problems.push({ field: 'Webhook Events', value: events, allowed: `must be one or more of ${WEBHOOK_EVENTS.join(', ')}` });
		}
	} else {
		delete body.webhookUrl;
		delete body.webhookEvents;
	}
	return problems;
}
