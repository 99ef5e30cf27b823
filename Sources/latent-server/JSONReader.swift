import Latent

/// A small pull reader of JSON text, for the infer body: it reads the `data` array's
/// numbers straight into `Float` (the project's own decimal parser, no intermediate
/// `Double`s, `Any`s or strings), and everything else into plain values.
///
/// Nesting deeper than ``maxDepth`` is refused, so a hostile body cannot exhaust the stack.
struct JSONReader {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "\(message) at byte \(offset)" }
    }

    /// A JSON value other than the tensor data.
    enum Value: Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])
    }

    static let maxDepth = 64

    private let start: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var p: UnsafePointer<UInt8>
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address; point at a static byte instead.
        start = bytes.baseAddress ?? JSONReader.nothing
        end = start + bytes.count
        p = start
    }

    private static let nothing: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    func fail(_ message: String) -> Failure { Failure(message: message, offset: p - start) }

    mutating func skipSpace() {
        while p < end, p.pointee == 0x20 || p.pointee == 0x0A || p.pointee == 0x0D || p.pointee == 0x09 {
            p += 1
        }
    }

    /// The next byte after white space, without consuming it (nil at the end).
    mutating func peek() -> UInt8? {
        skipSpace()
        return p < end ? p.pointee : nil
    }

    mutating func expect(_ c: Character) throws {
        guard peek() == c.asciiValue else { throw fail("expected '\(c)'") }
        p += 1
    }

    /// Throws unless only white space is left.
    mutating func expectEnd() throws {
        guard peek() == nil else { throw fail("unexpected text after the JSON value") }
    }

    /// Calls `body` with each key of an object; `body` must read the key's value.
    mutating func object(_ body: (String, inout JSONReader) throws -> Void) throws {
        try expect("{")
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        if peek() == UInt8(ascii: "}") {
            p += 1
            depth -= 1
            return
        }
        while true {
            let key = try string()
            try expect(":")
            try body(key, &self)
            switch peek() {
            case UInt8(ascii: ","): p += 1
            case UInt8(ascii: "}"):
                p += 1
                depth -= 1
                return
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    /// Calls `body` for each element of an array; `body` must read the element.
    mutating func array(_ body: (inout JSONReader) throws -> Void) throws {
        try expect("[")
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        if peek() == UInt8(ascii: "]") {
            p += 1
            depth -= 1
            return
        }
        while true {
            try body(&self)
            switch peek() {
            case UInt8(ascii: ","): p += 1
            case UInt8(ascii: "]"):
                p += 1
                depth -= 1
                return
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    /// Appends the numbers of an array, flat or nested to any depth, in row-major order.
    /// Stops with an error as soon as more than `limit` values were read.
    mutating func floats(into values: inout [Float], limit: Int) throws {
        try array { reader in
            if reader.peek() == UInt8(ascii: "[") {
                try reader.floats(into: &values, limit: limit)
                return
            }
            guard let (v, next) = DecimalNumber.parse(reader.p, reader.end) else {
                throw reader.fail("data element \(values.count) is not a number")
            }
            guard values.count < limit else {
                throw reader.fail("data holds more than the \(limit) values its shape allows")
            }
            values.append(v)
            reader.p = next
        }
    }

    mutating func string() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
        p += 1
        let first = p
        // Fast path: no escapes.
        while p < end, p.pointee != UInt8(ascii: "\""), p.pointee != UInt8(ascii: "\\") {
            guard p.pointee >= 0x20 else { throw fail("control character in a string") }
            p += 1
        }
        guard p < end else { throw fail("unterminated string") }
        var bytes = Array(UnsafeBufferPointer(start: first, count: p - first))
        while p.pointee != UInt8(ascii: "\"") {
            // p is at a backslash: the library decodes the escape (JSONEscape).
            var i = p + 1 - start
            do throws(JSONEscape.Failure) {
                try JSONEscape.decode(UnsafeBufferPointer(start: start, count: end - start), at: &i, into: &bytes)
                p = start + i
            } catch {
                p = start + i
                throw fail(error.message)
            }
            while p < end, p.pointee != UInt8(ascii: "\""), p.pointee != UInt8(ascii: "\\") {
                guard p.pointee >= 0x20 else { throw fail("control character in a string") }
                bytes.append(p.pointee)
                p += 1
            }
            guard p < end else { throw fail("unterminated string") }
        }
        p += 1
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw fail("a string is not valid UTF-8")
        }
        return text
    }

    /// A number, as `Double` (shapes and parameters; the tensor data goes through ``floats``).
    mutating func number() throws -> Double {
        skipSpace()
        var q = p
        if q < end, q.pointee == UInt8(ascii: "-") { q += 1 }
        while q < end,
            (q.pointee >= 48 && q.pointee <= 57) || q.pointee == UInt8(ascii: ".")
                || q.pointee == UInt8(ascii: "e") || q.pointee == UInt8(ascii: "E")
                || q.pointee == UInt8(ascii: "+") || q.pointee == UInt8(ascii: "-")
        {
            q += 1
        }
        guard q > p, let v = Double(String(decoding: UnsafeBufferPointer(start: p, count: q - p), as: UTF8.self))
        else { throw fail("expected a number") }
        p = q
        return v
    }

    /// Any value.
    mutating func value() throws -> Value {
        switch peek() {
        case UInt8(ascii: "{"):
            var members: [String: Value] = [:]
            try object { key, reader in members[key] = try reader.value() }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [Value] = []
            try array { reader in items.append(try reader.value()) }
            return .array(items)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case nil: throw fail("unexpected end of the body")
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard end - p >= n, memcmp(p, word.utf8Start, n) == 0 else { throw fail("expected \(word)") }
        p += n
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
