/// <reference path="./.sst/platform/config.d.ts" />
/**
 * The AWS deployment, a table of contents: each concern lives in `infra/`. Deploy with
 * `npx sst deploy --stage <stage>` (see README, "Deploying to AWS").
 */
export default $config({
  app(input) {
    return {
      name: 'policy-watch',
      home: 'aws',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
      providers: { aws: { region: 'eu-west-2' } },
    };
  },
  async run() {
    const { table } = await import('./infra/storage.ts');
    const { email } = await import('./infra/email.ts');
    await import('./infra/secrets.ts');
    const { api } = await import('./infra/api.ts');
    const { pollQueue } = await import('./infra/cron.ts');
    return { api: api.url, table: table.name, sender: email.sender, pollQueue: pollQueue.url };
  },
});
