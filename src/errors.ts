import createError from '@fastify/error'

/**
 * The error catalogue: every error netguard raises on purpose has a stable code that tests and
 * operators can rely on. Messages never contain object content beyond names.
 */
export const PolicyInvalidError = createError<'NG_ERR_POLICY_INVALID', 500, [string]>('NG_ERR_POLICY_INVALID', 'invalid policy:\n%s', 500)
export const PolicyDirError = createError<'NG_ERR_POLICY_DIR', 500, [string, string]>('NG_ERR_POLICY_DIR', 'cannot read policies from %s: %s', 500)
export const ReviewInvalidError = createError<'NG_ERR_REVIEW_INVALID', 400, [string]>('NG_ERR_REVIEW_INVALID', 'not an admission.k8s.io/v1 AdmissionReview: %s', 400)
export const ReviewJsonError = createError<'NG_ERR_REVIEW_JSON', 400, [string]>('NG_ERR_REVIEW_JSON', 'request body is not valid JSON: %s', 400)
export const ReviewYamlError = createError<'NG_ERR_REVIEW_YAML', 400, [string]>('NG_ERR_REVIEW_YAML', 'the input is not a YAML AdmissionReview: %s', 400)
export const ReviewUnsafeKeyError = createError<'NG_ERR_REVIEW_UNSAFE_KEY', 400, [string]>('NG_ERR_REVIEW_UNSAFE_KEY', 'refused: the body holds %s, a key that would change the prototype of the objects it is read into (prototype pollution); netguard does not read such a review', 400)
export const ReviewTooLargeError = createError<'NG_ERR_REVIEW_TOO_LARGE', 413, [number]>('NG_ERR_REVIEW_TOO_LARGE', 'the body is larger than %d MiB, the most netguard reads (serve --max-body-mib)', 413)
export const ServerBusyError = createError<'NG_ERR_BUSY', 429, [number]>('NG_ERR_BUSY', 'netguard is reviewing other large requests; retry in %d s', 429)
export const CertificateError = createError<'NG_ERR_CERTIFICATE', 500, [string]>('NG_ERR_CERTIFICATE', '%s', 500)
export const UsageError = createError<'NG_ERR_USAGE', 400, [string]>('NG_ERR_USAGE', '%s', 400)
export const KubeApiError = createError<'NG_ERR_KUBE_API', 502, [string, number, string]>('NG_ERR_KUBE_API', 'Kubernetes API: %s answered %d: %s', 502)
export const KubeConfigError = createError<'NG_ERR_KUBE_CONFIG', 500, [string, string]>('NG_ERR_KUBE_CONFIG', 'cannot use the cluster configuration %s: %s', 500)
