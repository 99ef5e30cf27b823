/// Fast, correctly rounded parsing of decimal numbers straight from bytes, for the CSV
/// reader's hot loop.
///
/// The fast path is Clinger's: a mantissa of at most 2^53 and a power of ten of at most
/// 10^22 are both exact doubles, so one multiplication or division gives the correctly
/// rounded double. Rounding that double to `Float` is correct unless it landed exactly
/// on the midpoint between two floats; that rare case, long mantissas, large exponents,
/// subnormals, `nan` and `inf` go to the standard library's `Float(_: String)`, which is
/// correctly rounded and independent of the C locale.
enum DecimalParser {
    enum Result {
        /// A finite value and the position just after the number.
        case value(Float, UnsafePointer<UInt8>)
        /// Looks numeric but needs the slow path (`Float(String)`) over `start..<end`.
        case slow(UnsafePointer<UInt8>)
        /// Not a number at `start`.
        case invalid
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var p = 1.0
        for _ in 0..<e { p *= 10 }
        return p
    }

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` starting at `p`, stopping at `end` or
    /// at the first byte that cannot continue the number.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Result {
        var p = start
        var negative = false
        if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var anyDigit = false
        while p < end, case let d = p.pointee &- 48, d < 10 {
            anyDigit = true
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa > 0 { significantDigits += 1 }
            } else {
                exponent += 1
                significantDigits += 1
            }
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end, case let d = p.pointee &- 48, d < 10 {
                anyDigit = true
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    exponent -= 1
                    if mantissa > 0 { significantDigits += 1 }
                } else {
                    significantDigits += 1
                }
                p += 1
            }
        }
        guard anyDigit else { return .invalid }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            var q = p + 1
            var negativeExponent = false
            if q < end && (q.pointee == UInt8(ascii: "-") || q.pointee == UInt8(ascii: "+")) {
                negativeExponent = q.pointee == UInt8(ascii: "-")
                q += 1
            }
            var e = 0
            var exponentDigits = false
            while q < end, case let d = q.pointee &- 48, d < 10 {
                if e < 100_000 { e = e * 10 + Int(d) }
                exponentDigits = true
                q += 1
            }
            // "1e" or "1e+" is not a number with an exponent; leave the "e" unparsed.
            if exponentDigits {
                exponent += negativeExponent ? -e : e
                p = q
            }
        }
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0, p) }
        guard significantDigits <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else {
            return .slow(p)
        }
        let m = Double(mantissa)
        let d = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
        let magnitude = d.magnitude
        // Outside the normal float range, or exactly halfway between two floats: slow path.
        if magnitude < Double(Float.leastNormalMagnitude)
            || magnitude > Double(Float.greatestFiniteMagnitude)
            || d.bitPattern & 0x1FFF_FFFF == 0x1000_0000
        {
            return .slow(p)
        }
        let f = Float(d)
        return .value(negative ? -f : f, p)
    }

    /// The slow path: the standard library's correctly rounded parser on `start..<end`.
    /// Returns `nil` when the text is not a number; may return NaN or ±infinity.
    static func parseSlowly(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Float? {
        Float(
            String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self))
    }
}
