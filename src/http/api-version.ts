// The version of the relying-party API, as OpenAPI `info.version` and the
// discovery document state it (semantic versioning: a minor version adds,
// never removes or changes; docs/CHANGELOG.md lists every version, and
// docs/api-versioning.md the deprecation policy). The path prefix `/v1`
// changes only with a major version.
export const API_VERSION = '1.1.0';

/** Major versions served, by path prefix. */
export const API_VERSIONS = [{ version: 'v1', basePath: '/v1', status: 'current' }] as const;
