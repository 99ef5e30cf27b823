import Foundation
import Prometheus

/// The server's Prometheus metrics (swift-prometheus), served as text at `GET /metrics`.
///
/// Routes are labelled by their template (`/v2/models/{name}/infer`), never by the
/// path a client sent, so a scanner cannot grow the label set without bound.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let loadsOK: Counter
    private let loadsFailed: Counter

    init() {
        inFlight = registry.makeGauge(
            name: "latent_requests_in_flight", help: "Requests (HTTP and gRPC) being answered now.")
        loadsOK = registry.makeCounter(
            name: "latent_model_loads_total", labels: [("result", "ok")],
            help: "Detector directories loaded (start, repository load, reload).")
        loadsFailed = registry.makeCounter(
            name: "latent_model_loads_total", labels: [("result", "failed")],
            help: "Detector directories loaded (start, repository load, reload).")
    }

    /// The buckets of the latency histogram, 0.5 ms to 10 s.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(10),
    ]

    func started() { inFlight.increment() }

    /// Counts one answered request.
    func finished(path: String, status: Int, elapsed: Duration) {
        inFlight.decrement()
        let route = Self.route(path)
        registry.makeCounter(
            name: "latent_http_requests_total", labels: [("route", route), ("status", String(status))],
            help: "HTTP requests answered, by route template and status."
        ).increment()
        registry.makeDurationHistogram(
            name: "latent_http_request_duration_seconds", labels: [("route", route)], buckets: Self.buckets,
            help: "Time from request head to answer, by route template."
        ).record(elapsed)
    }

    /// Counts one answered gRPC call: `method` is the RPC's name (a fixed set), `code` its
    /// status (`ok`, `invalidArgument`, …).
    func finishedRPC(method: String, code: String, elapsed: Duration) {
        inFlight.decrement()
        registry.makeCounter(
            name: "latent_grpc_requests_total", labels: [("method", method), ("code", code)],
            help: "gRPC calls answered, by method and status code."
        ).increment()
        registry.makeDurationHistogram(
            name: "latent_grpc_request_duration_seconds", labels: [("method", method)], buckets: Self.buckets,
            help: "Time from call to answer, by gRPC method."
        ).record(elapsed)
    }

    /// Counts the rows one infer request scored and how many were flagged.
    func scored(model: String, rows: Int, anomalies: Int) {
        registry.makeCounter(
            name: "latent_rows_scored_total", labels: [("model", model)], help: "Rows scored, by model."
        ).increment(by: Int64(rows))
        registry.makeCounter(
            name: "latent_anomalies_total", labels: [("model", model)],
            help: "Rows flagged anomalous (score above the threshold), by model."
        ).increment(by: Int64(anomalies))
    }

    func loaded(_ ok: Bool) { (ok ? loadsOK : loadsFailed).increment() }

    /// The exposition text.
    func text() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// The route template a path matches, or `other`.
    static func route(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.first == "v2" else { return path == "/metrics" ? "/metrics" : "other" }
        switch parts.count {
        case 1: return "/v2"
        case 3 where parts[1] == "health" && (parts[2] == "live" || parts[2] == "ready"):
            return "/v2/health/\(parts[2])"
        case 3 where parts[1] == "repository" && parts[2] == "index": return "/v2/repository/index"
        case 5 where parts[1] == "repository" && parts[2] == "models" && (parts[4] == "load" || parts[4] == "unload"):
            return "/v2/repository/models/{name}/\(parts[4])"
        default: break
        }
        guard parts.count >= 3, parts[1] == "models" else { return "other" }
        var rest = parts.dropFirst(3)
        var template = "/v2/models/{name}"
        if rest.count >= 2, rest.first == "versions" {
            template += "/versions/{version}"
            rest = rest.dropFirst(2)
        }
        switch rest.count {
        case 0: return template
        case 1 where rest.first == "ready" || rest.first == "infer": return template + "/" + rest.first!
        default: return "other"
        }
    }
}
