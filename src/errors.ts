import createError from '@fastify/error'

/**
 * The error catalogue: every error netguard raises on purpose has a stable code that tests and
 * operators can rely on. Messages never contain object content beyond names.
 */
export const PolicyInvalidError = createError<'NG_ERR_POLICY_INVALID', 500, [string]>('NG_ERR_POLICY_INVALID', 'invalid policy:\n%s', 500)
export const PolicyDirError = createError<'NG_ERR_POLICY_DIR', 500, [string, string]>('NG_ERR_POLICY_DIR', 'cannot read policies from %s: %s', 500)
export const ReviewInvalidError = createError<'NG_ERR_REVIEW_INVALID', 400, [string]>('NG_ERR_REVIEW_INVALID', 'not an admission.k8s.io/v1 AdmissionReview: %s', 400)
export const ReviewJsonError = createError<'NG_ERR_REVIEW_JSON', 400, [string]>('NG_ERR_REVIEW_JSON', 'request body is not valid JSON: %s', 400)
export const CertificateError = createError<'NG_ERR_CERTIFICATE', 500, [string]>('NG_ERR_CERTIFICATE', '%s', 500)
export const UsageError = createError<'NG_ERR_USAGE', 400, [string]>('NG_ERR_USAGE', '%s', 400)
export const KubeApiError = createError<'NG_ERR_KUBE_API', 502, [string, number, string]>('NG_ERR_KUBE_API', 'Kubernetes API: %s answered %d: %s', 502)
export const KubeConfigError = createError<'NG_ERR_KUBE_CONFIG', 500, [string, string]>('NG_ERR_KUBE_CONFIG', 'cannot use the cluster configuration %s: %s', 500)
