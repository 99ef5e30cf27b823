/// A multichannel time series: one row per time step, one column per channel.
///
/// Values are stored row-major (`values[t * channels + c]`), the layout a text file has,
/// so a long recording costs 4 bytes per value and nothing more: windows over it are
/// never materialised (see ``SignalWindowScorer``).
public struct Signal: Sendable, Equatable {
    /// Channel names: the header's names, or `x0`, `x1`, … without a header.
    public var names: [String]
    /// Row-major values, `rows × channels`.
    public var values: [Float]

    /// A signal from row-major values.
    /// - Precondition: `values.count` is a multiple of `names.count`.
    public init(names: [String], values: [Float]) {
        precondition(!names.isEmpty && values.count % names.count == 0)
        self.names = names
        self.values = values
    }

    /// A one-channel signal.
    public init(_ values: [Float], name: String = "x0") {
        self.init(names: [name], values: values)
    }

    /// The number of channels.
    public var channels: Int { names.count }
    /// The number of time steps.
    public var rows: Int { values.count / names.count }

    /// The rows `range`, as a new signal.
    public func rows(_ range: Range<Int>) -> Signal {
        Signal(
            names: names,
            values: Array(values[(range.lowerBound * channels)..<(range.upperBound * channels)]))
    }

    /// Channel `c` as a contiguous array.
    public func channel(_ c: Int) -> [Float] {
        (0..<rows).map { values[$0 * channels + c] }
    }
}
