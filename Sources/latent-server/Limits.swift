/// What one request may ask of the server, and how long a connection may take; anything
/// beyond is answered with a 4xx or the connection is closed.
struct ServerLimits: Sendable {
    /// The largest request body accepted, in bytes (413 beyond).
    var maxBodyBytes: Int = 16 << 20
    /// The most rows one infer request may carry (413 beyond).
    var maxRows: Int = 10_000
    /// The most features `explain` may ask for per row (400 beyond the feature count).
    var maxExplain: Int = 64
    /// The most rows the micro-batcher joins into one detector call.
    var maxBatchRows: Int = 4096
    /// How many request bodies are decoded (and answers encoded) at once, off the threads
    /// that answer health and metadata; more wait their turn.
    var decodeConcurrency: Int = 2
    /// A whole request body must arrive within this many seconds (408 beyond).
    var bodyTimeout: Double = 30
    /// Follow symbolic links inside the model repository and detector directories.
    var followSymlinks: Bool = false
}

/// How the listening side protects itself: connections, idleness, shutdown.
struct ConnectionLimits: Sendable {
    /// The most open connections; more wait in the kernel's accept queue.
    var maxConnections: Int = 512
    /// A connection with no complete request head, no body bytes, or no new request for
    /// this many seconds is closed.
    var idleTimeout: Double = 60
    /// After SIGTERM, requests in flight get this many seconds before the server exits.
    var shutdownTimeout: Double = 30
}
