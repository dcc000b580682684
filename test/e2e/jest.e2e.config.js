/**
 * End-to-end tests against a real n8n 2.41.1 (installed once into a cache folder by
 * scripts/n8n/install.sh). One worker: each suite starts n8n processes of its own, and the
 * first run may install n8n. Run: npx jest -c test/e2e/jest.e2e.config.js
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }] },
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	testTimeout: 10 * 60_000,
	maxWorkers: 1,
};
