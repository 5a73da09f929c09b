import { Counter, type Metric, type MetricValueWithName, type Registry } from 'prom-client'

// Hand-built: counters and histograms with labels, which prom-client's own Counter and Histogram
// keep. Why: prom-client checks and hashes the label object on every inc and observe, and the three
// calls a review made cost more than all of its rules (measured with bench/http.bench.ts). Here a
// review adds to plain arrays, handed to prom-client only when Prometheus scrapes.

/** A label and the values it can take; a value outside them counts as `other`. */
export interface Dimension<L extends string> {
  readonly label: L
  readonly values: readonly string[]
}

const OTHER = 'other'

/** Finds the index of a label value in O(1); values outside the closed set share the `other` slot. */
class ValueIndex {
  private readonly indices: ReadonlyMap<string, number>
  readonly values: readonly string[]

  constructor (values: readonly string[]) {
    this.values = [...new Set([...values, OTHER])]
    this.indices = new Map(this.values.map((value, index) => [value, index]))
  }

  of (value: string | undefined): number {
    return (value === undefined ? undefined : this.indices.get(value)) ?? this.indices.get(OTHER)!
  }
}

/**
 * A counter over every combination of a few closed sets of label values: one slot per
 * combination, so counting is an index computation and an increment, and no client can grow
 * the series without bound.
 */
export class CounterGrid<L extends string> {
  private readonly dimensions: readonly { readonly label: L, readonly index: ValueIndex }[]
  private readonly counts: Float64Array

  constructor (registry: Registry, config: { readonly name: string, readonly help: string, readonly dimensions: readonly Dimension<L>[] }) {
    this.dimensions = config.dimensions.map(({ label, values }) => ({ label, index: new ValueIndex(values) }))
    this.counts = new Float64Array(this.dimensions.reduce((size, { index }) => size * index.values.length, 1))
    const counter: Counter<L> = new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.dimensions.map(({ label }) => label),
      registers: [registry],
      collect: () => {
        counter.reset()
        this.counts.forEach((count, slot) => { if (count > 0) counter.inc(this.labelsOf(slot), count) })
      }
    })
  }

  /** One more for these label values, given in the order of the dimensions. */
  add (...values: (string | undefined)[]): void {
    let slot = 0
    for (let position = 0; position < this.dimensions.length; position++) {
      const { index } = this.dimensions[position]!
      slot = slot * index.values.length + index.of(values[position])
    }
    this.counts[slot]!++
  }

  /** The label values of a slot, in the order of the dimensions (the order Prometheus shows). */
  private labelsOf (slot: number): Partial<Record<L, string>> {
    let rest = slot
    const values = this.dimensions.map(() => '')
    for (let position = this.dimensions.length - 1; position >= 0; position--) {
      const { index } = this.dimensions[position]!
      values[position] = index.values[rest % index.values.length]!
      rest = Math.floor(rest / index.values.length)
    }
    return Object.fromEntries(this.dimensions.map(({ label }, position) => [label, values[position]])) as Partial<Record<L, string>>
  }
}

/**
 * A histogram with one label, in the Prometheus histogram format. prom-client has no way to feed
 * a histogram counts kept elsewhere, so this registers as a metric of its own: exporting, prom-client
 * only calls `get`, and formats the samples like its own histograms.
 */
export class HistogramGrid<L extends string> {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly name: string
  readonly help: string
  private readonly label: L
  private readonly index: ValueIndex
  private readonly bounds: readonly number[]
  /** Per label value: a count per bucket (the last one above every bound), then the sum. */
  private readonly series: Float64Array[]

  constructor (registry: Registry, config: { readonly name: string, readonly help: string, readonly dimension: Dimension<L>, readonly buckets: readonly number[] }) {
    this.name = config.name
    this.help = config.help
    this.label = config.dimension.label
    this.index = new ValueIndex(config.dimension.values)
    this.bounds = [...config.buckets].sort((a, b) => a - b)
    this.series = this.index.values.map(() => new Float64Array(this.bounds.length + 2))
    registry.registerMetric(this as unknown as Metric)
  }

  observe (value: string, seconds: number): void {
    const series = this.series[this.index.of(value)]!
    let bucket = 0
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++
    series[bucket]!++
    series[this.bounds.length + 1]! += seconds
  }

  get (): Promise<{ name: string, help: string, type: 'histogram', aggregator: 'sum', values: MetricValueWithName<string>[] }> {
    const values: MetricValueWithName<string>[] = []
    this.series.forEach((series, position) => {
      const labels = { [this.label]: this.index.values[position]! }
      let cumulative = 0
      for (let bucket = 0; bucket <= this.bounds.length; bucket++) cumulative += series[bucket]!
      if (cumulative === 0) return
      let below = 0
      this.bounds.forEach((bound, bucket) => {
        below += series[bucket]!
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: below })
      })
      values.push(
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: cumulative },
        { metricName: `${this.name}_sum`, labels, value: series[this.bounds.length + 1]! },
        { metricName: `${this.name}_count`, labels, value: cumulative }
      )
    })
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values })
  }
}
