/// The CSV reader's number parser, for other modules that read numbers straight from
/// bytes (the server's JSON `data` arrays): correctly rounded to `Float`, no `String`
/// made on the fast path.
public enum DecimalNumber {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` at `start`.
    ///
    /// - Returns: the value (which may be ±infinity when the text is too large for
    ///   `Float`) and the position just after the number, or nil when no number starts
    ///   at `start`.
    @inlinable
    public static func parse(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>
    ) -> (
        value: Float, next: UnsafePointer<UInt8>
    )? {
        parseAny(start, end)
    }

    @usableFromInline
    static func parseAny(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>
    ) -> (
        value: Float, next: UnsafePointer<UInt8>
    )? {
        switch DecimalParser.parse(start, end) {
        case .value(let v, let next): return (v, next)
        case .slow(let next):
            guard let v = DecimalParser.parseSlowly(start, next) else { return nil }
            return (v, next)
        case .invalid: return nil
        }
    }
}
