/**
 * The AWS clients that load on first use (SES on the first message, SQS on the first fan-out)
 * still construct when the code is bundled and split the way the deployment and `dist/` bundle
 * it (esbuild, ESM, `splitting`): a split bundle hands a dynamic `import()` of a CommonJS package
 * only its `default` export, which once left every email of the compiled command failing with
 * "SESClient is not a constructor" while the TypeScript ran fine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { expect, test } from 'vitest';
import { LAMBDA_BUNDLE } from '../../scripts/lambda-bundle.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('the lazily loaded SES and SQS transports construct in a split ESM bundle', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pw-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(
      entry,
      `import { lazySesMailer } from ${JSON.stringify(join(ROOT, 'functions/wiring.ts'))};
const { sqsPollQueue } = await import(${JSON.stringify(join(ROOT, 'functions/sqs-transport.ts'))});
console.log('sqs', typeof sqsPollQueue('https://sqs.eu-west-2.amazonaws.com/1/q').enqueue);
const mailer = lazySesMailer({ region: 'eu-west-2', maxSendRate: 10, endpoint: 'http://127.0.0.1:9' });
await mailer.sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: 'x' }).catch((e) => console.log('ses', e.message));
`,
    );
    await build({
      absWorkingDir: ROOT,
      entryPoints: { entry },
      outdir: join(dir, 'out'),
      ...LAMBDA_BUNDLE,
    });
    const out = execFileSync(process.execPath, [join(dir, 'out/entry.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(out).toContain('sqs function');
    // The client was built and tried the (closed) endpoint: the transport itself loaded.
    expect(out).toMatch(/ses .*ECONNREFUSED/);
    expect(out).not.toContain('is not a constructor');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
