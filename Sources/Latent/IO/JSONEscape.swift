/// The escapes of a JSON string (RFC 8259 §7), decoded in one place for the hand-written
/// JSON readers: the safetensors header's (``SafeTensorsJSON``) and latent-server's infer
/// body's.
///
/// ```
/// \"  \\  \/  \b  \f  \n  \r  \t  \uXXXX  \uD8xx\uDCxx (a surrogate pair: one scalar)
/// ```
package enum JSONEscape {
    /// Why an escape was refused, in words for an error message.
    package struct Failure: Error, Equatable {
        package var message: String
    }

    /// Decodes the escape just after a backslash and appends its UTF-8 to `utf8`.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - i: on entry, the index just after the backslash; on return, the index just after
    ///     the escape; when it throws, the index of the problem.
    /// - Throws: ``Failure`` for an unknown escape, a bad `\u` escape, a lone surrogate or
    ///   an escape cut off by the end of `bytes`.
    package static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, at i: inout Int, into utf8: inout [UInt8]
    ) throws(Failure) {
        guard i < bytes.count else { throw Failure(message: "unterminated escape") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(c)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(bytes, at: &i)
            if (0xD800..<0xDC00).contains(scalar) {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw Failure(message: "lone surrogate in \\u escape")
                }
                i += 2
                let low = try hex4(bytes, at: &i)
                guard (0xDC00..<0xE000).contains(low) else { throw Failure(message: "invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw Failure(message: "lone surrogate in \\u escape")
            }
            utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            i -= 1
            throw Failure(message: "invalid escape")
        }
    }

    /// Four hexadecimal digits at `i`, as a number.
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at i: inout Int) throws(Failure) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw Failure(message: "invalid \\u escape") }
            let c = bytes[i]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw Failure(message: "invalid \\u escape")
            }
            v = v << 4 | digit
            i += 1
        }
        return v
    }
}
