import CoreMetrics
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, through swift-metrics with a private registry (so several
/// servers in one process, as in tests, do not share counters):
/// `inferd_requests_total{model}`, `inferd_request_errors_total{model,status}`,
/// `inferd_request_duration_seconds{model}` (histogram), `inferd_queue_depth`, `inferd_models_served`,
/// `inferd_busy_polls_total{outcome="caught"|"expired"}` (only with busy polling on).
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let perModel = Mutex<[String: ModelRecorder]>([:])
    private let errors = Mutex<[String: CoreMetrics.Counter]>([:])
    private let queueDepth: CoreMetrics.Gauge
    private let modelsServed: CoreMetrics.Gauge
    private let totalRequests = Atomic<Int>(0)
    private let busyPollCaught: CoreMetrics.Counter
    private let busyPollMissed: CoreMetrics.Counter

    /// One model's request counter and latency histogram, looked up once and then kept by each
    /// connection (the locked table lookup by name cost ~450 instructions per request).
    final class ModelRecorder: Sendable {
        let model: String
        fileprivate let requests: CoreMetrics.Counter
        fileprivate let latency: CoreMetrics.Timer

        fileprivate init(model: String, factory: PrometheusMetricsFactory) {
            self.model = model
            requests = CoreMetrics.Counter(label: "inferd_requests_total", dimensions: [("model", model)], factory: factory)
            latency = CoreMetrics.Timer(label: "inferd_request_duration_seconds", dimensions: [("model", model)],
                                        factory: factory)
        }
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        queueDepth = CoreMetrics.Gauge(label: "inferd_queue_depth", factory: factory)
        modelsServed = CoreMetrics.Gauge(label: "inferd_models_served", factory: factory)
        busyPollCaught = CoreMetrics.Counter(label: "inferd_busy_polls_total", dimensions: [("outcome", "caught")],
                                             factory: factory)
        busyPollMissed = CoreMetrics.Counter(label: "inferd_busy_polls_total", dimensions: [("outcome", "expired")],
                                             factory: factory)
    }

    /// Requests answered since start, all models and outcomes.
    public var requestCount: Int { totalRequests.load(ordering: .relaxed) }

    /// The recorder of `model`'s requests, made on its first use.
    func recorder(for model: String) -> ModelRecorder {
        perModel.withLock { table in
            if let recorder = table[model] { return recorder }
            let recorder = ModelRecorder(model: model, factory: factory)
            table[model] = recorder
            return recorder
        }
    }

    /// Records one answered infer request for `model`.
    func recordRequest(model: String, nanoseconds: UInt64, status: UInt) {
        recordRequest(recorder(for: model), nanoseconds: nanoseconds, status: status)
    }

    /// Records one answered infer request for `recorder`'s model.
    func recordRequest(_ recorder: ModelRecorder, nanoseconds: UInt64, status: UInt) {
        totalRequests.add(1, ordering: .relaxed)
        recorder.requests.increment()
        recorder.latency.recordNanoseconds(Int64(nanoseconds))
        if status >= 400 {
            let model = recorder.model
            let key = "\(model)\u{0}\(status)"
            let counter = errors.withLock { table in
                if let counter = table[key] { return counter }
                let counter = CoreMetrics.Counter(label: "inferd_request_errors_total",
                                      dimensions: [("model", model), ("status", String(status))], factory: factory)
                table[key] = counter
                return counter
            }
            counter.increment()
        }
    }

    /// Records one busy poll after an answer (skipped ones are not counted).
    func recordBusyPoll(_ outcome: BusyPoller.Outcome) {
        switch outcome {
        case .caught: busyPollCaught.increment()
        case .expired: busyPollMissed.increment()
        case .skipped: break
        }
    }

    func recordQueueDepth(_ depth: Int) { queueDepth.record(depth) }

    func recordModelsServed(_ count: Int) { modelsServed.record(count) }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
