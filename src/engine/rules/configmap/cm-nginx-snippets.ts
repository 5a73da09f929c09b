import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { FieldReader, metaOf, shown } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'

const KEY = 'allow-snippet-annotations'
const PATH = `data["${KEY}"]`
/** What ingress-nginx reads as false (Go's strconv.ParseBool); anything else may switch snippets on. */
const FALSE = new Set(['false', 'False', 'FALSE', 'f', 'F', '0'])

/**
 * ingress-nginx's `allow-snippet-annotations` lets any tenant who can create an Ingress inject
 * raw nginx configuration into the shared controller (CVE-2021-25742: read the controller's
 * service account token, reach every backend). ING-ANNOTATIONS refuses the snippet annotations;
 * this keeps the controller setting itself off, so neither side can be forgotten.
 */
export const cmNginxSnippets = defineRule({
  type: 'validate',
  id: 'CM-NGINX-SNIPPETS',
  kinds: [{ group: '', kind: 'ConfigMap' }],
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: `an ingress-nginx controller ConfigMap whose ${KEY} is set to anything but false`,
  category: 'Multitenancy',
  severity: 'critical',
  settings: Type.Object({
    configMaps: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'the controller ConfigMaps, as namespace/name globs' }))
  }),
  defaults: { configMaps: ['*/ingress-nginx-controller', '*/*-ingress-nginx-controller', '*/nginx-configuration'] },
  compile: (settings) => compileGlobs(settings.configMaps),
  check (object, context, configMaps) {
    if (!configMaps.matches(`${context.namespace ?? ''}/${metaOf(object).name ?? ''}`)) return []
    const reader = new FieldReader()
    const data = reader.object(object.data, 'data')
    if (data === undefined || !Object.hasOwn(data, KEY)) return [...reader.problems]
    const value: unknown = data[KEY]
    if (typeof value === 'string' && FALSE.has(value.trim())) return []
    return [{
      path: PATH,
      message: `${PATH} ${shown(value)} lets Ingress annotations inject nginx configuration`,
      fix: `set ${KEY} to "false" or remove it (false is the default since ingress-nginx 1.9)`
    }]
  }
})
