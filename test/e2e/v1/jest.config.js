/**
 * End-to-end tests against a real n8n 1.123 (the maintained 1.x line), installed once into the
 * cache by scripts/n8n/install-1x.sh. Its files end in `.e2e-v1.test.ts`, so neither the unit
 * config (which skips test/e2e/) nor the 2.x e2e config (`*.e2e.test.ts`) runs them.
 * Run: npm run test:e2e:1x
 */
module.exports = {
	...require('../jest.e2e.config.js'),
	rootDir: '../../..',
	testMatch: ['<rootDir>/test/e2e/v1/**/*.e2e-v1.test.ts'],
};
