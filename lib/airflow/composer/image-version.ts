/**
 * Composer image versions name both the Composer generation and the Airflow version:
 * `composer-2.9.7-airflow-2.9.3`, `composer-3-airflow-2.10.5-build.3`, `composer-1.20.12-airflow-1.10.15`,
 * `composer-latest-airflow-2.9`. The proto documents the pattern
 * `composer-([0-9]+(\.[0-9]+\.[0-9]+(-preview\.[0-9]+)?)?|latest)-airflow-([0-9]+(\.[0-9]+(\.[0-9]+)?)?)`;
 * Composer 3 appends `-build.N`.
 */

export interface ImageVersion {
  /** 1, 2 or 3; null for `composer-latest-…` or an unparseable string. */
  composerGeneration: number | null;
  /** `2.9.3`, `2.10`, `3`…; null when unparseable. */
  airflowVersion: string | null;
  /** Major Airflow version, when known. */
  airflowMajor: number | null;
}

const IMAGE_VERSION = /^composer-(?:(\d+)(?:\.\d+\.\d+(?:-preview\.\d+)?)?|latest)-airflow-(\d+(?:\.\d+(?:\.\d+)?)?)(?:-build\.\d+)?$/;

export function parseImageVersion(imageVersion: string | null | undefined): ImageVersion {
  const m = imageVersion ? IMAGE_VERSION.exec(imageVersion.trim()) : null;
  if (!m) return { composerGeneration: null, airflowVersion: null, airflowMajor: null };
  const airflowVersion = m[2];
  return {
    composerGeneration: m[1] === undefined ? null : Number(m[1]),
    airflowVersion,
    airflowMajor: Number(airflowVersion.split(".")[0]),
  };
}
