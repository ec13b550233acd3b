#!/usr/bin/env bash
# Type-checks sst.config.ts and infra/ against SST's platform types (npm run typecheck:infra).
#
# `sst install` unpacks the platform sources (.sst/platform/src) from the sst binary, then tries
# to download Pulumi and its provider plugins from GitHub: offline that last step fails, but the
# sources are already there. Their npm dependencies (@pulumi/pulumi, @pulumi/aws, …) come from
# the npm registry with install scripts off (those scripts fetch provider plugins, which a type
# check does not need). `.sst/platform/config.d.ts`, which `sst install` writes last, declares
# `$config` and the provider globals (`aws`); it is written here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
platform=.sst/platform
export SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

if [ ! -f "$platform/src/global.d.ts" ]; then
  npx sst install --stage typecheck >/dev/null 2>&1 || true
  if [ ! -f "$platform/src/global.d.ts" ]; then
    echo "typecheck:infra: 'sst install' did not unpack $platform/src; see .sst/log/sst.log" >&2
    exit 1
  fi
fi
if [ ! -d "$platform/node_modules/@pulumi/aws" ]; then
  npm install --prefix "$platform" --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# What `sst install` would write for this app's one provider (aws): `$config` and the `aws` global.
if ! grep -q '_aws' "$platform/config.d.ts" 2>/dev/null; then
  cat >"$platform/config.d.ts" <<'TS'
import "./src/global.d.ts";
import type { App, AppInput, Config } from "./src/config";
import * as _aws from "@pulumi/aws";
declare global {
  // @ts-expect-error a namespace re-exported as a global, as sst install does
  export import aws = _aws;
  interface Providers {
    providers?: { aws?: (_aws.ProviderArgs & { version?: string }) | boolean | string };
  }
  export const $config: (
    input: Omit<Config, "app"> & { app(input: AppInput): Omit<App, "providers"> & Providers },
  ) => Config;
}
export {};
TS
fi
exec npx tsc -p tsconfig.infra.json
