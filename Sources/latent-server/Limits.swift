/// What one request may ask of the server; anything beyond is answered with a 4xx.
struct ServerLimits: Sendable {
    /// The largest request body accepted, in bytes (413 beyond).
    var maxBodyBytes: Int = 16 << 20
    /// The most rows one infer request may carry (413 beyond).
    var maxRows: Int = 10_000
    /// The most features `explain` may ask for per row (400 beyond the feature count).
    var maxExplain: Int = 64
    /// The most rows the micro-batcher joins into one detector call.
    var maxBatchRows: Int = 4096
}
