/**
 * Facts about this build that licence checks depend on. `npm run build:release` rewrites the
 * compiled copy of this module (dist/appliance/licensing/build-info.js) through
 * scripts/mark-release.mjs: `flavour` becomes 'release' and `releaseDate` the release's date.
 * The source keeps 'development', so only a build that went through the release step is a
 * release build, and a release build can never be turned back into a development one by an
 * environment variable.
 */
export type BuildFlavour = 'development' | 'release';

export interface BuildInfo {
  flavour: BuildFlavour;
  /** The day this version was released (YYYY-MM-DD); licences whose updates ended before it do not cover it. */
  releaseDate: string;
  /** True when this code runs from its TypeScript sources (tsx), i.e. from a checkout. */
  runningFromSource: boolean;
}

export const BUILD_FLAVOUR: BuildFlavour = 'development';
export const BUILD_RELEASE_DATE = '2026-11-01';

export function buildInfo(): BuildInfo {
  return {
    flavour: BUILD_FLAVOUR,
    releaseDate: BUILD_RELEASE_DATE,
    runningFromSource: import.meta.url.endsWith('.ts'),
  };
}

/**
 * Whether the repository's development licence key (and recorded system facts) may be trusted.
 * Never in a release build; in a development build only from source (tsx) or when
 * CONTACTBOX_DEV_LICENSE_KEYS=1 is set for a compiled development build.
 */
export function developmentTrustEnabled(info: BuildInfo, env: NodeJS.ProcessEnv): boolean {
  if (info.flavour !== 'development') return false;
  return info.runningFromSource || env.CONTACTBOX_DEV_LICENSE_KEYS === '1';
}
