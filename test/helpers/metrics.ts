/** The value of one series in Prometheus text, e.g. `netguard_violations_total{rule="SVC-NODEPORT",action="deny"}`. */
export function sample (body: string, series: string): number | undefined {
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}
