/// The JSON of a safetensors header, parsed by hand so that object keys keep their order
/// and duplicate keys stay visible (Foundation's parser merges them silently, and the
/// format forbids them).
indirect enum SafeTensorsJSON: Equatable {
    /// Members in file order, duplicates kept.
    case object([(key: String, value: SafeTensorsJSON)])
    case array([SafeTensorsJSON])
    case string(String)
    /// The number's text, checked against the JSON grammar.
    case number(String)
    case bool(Bool)
    case null

    static func == (a: SafeTensorsJSON, b: SafeTensorsJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)), (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value as a non-negative integer written without sign, fraction or exponent
    /// (the only integers `serde_json` accepts for `usize`), or `nil`.
    var nonNegativeInteger: Int? {
        guard case .number(let text) = self, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)  // nil when above Int.max
    }

    /// Parses a complete JSON text; whitespace may surround the value.
    /// - Throws: ``SafeTensorsJSON/SyntaxError`` with the byte offset of the problem.
    static func parse(_ bytes: [UInt8]) throws -> SafeTensorsJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    struct SyntaxError: Error {
        let offset: Int
        let message: String
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        // A header is three levels deep; the limit keeps hostile nesting off the stack.
        static let maximumDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ message: String) -> SyntaxError { SyntaxError(offset: position, message: message) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
        }

        mutating func expect(_ c: UInt8, _ what: String) throws {
            guard current == c else { throw error("expected \(what)") }
            position += 1
        }

        mutating func value(depth: Int) throws -> SafeTensorsJSON {
            guard depth < Parser.maximumDepth else { throw error("values nested too deeply") }
            switch current {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
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
            case let c? where c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39): return try number()
            case nil: throw error("unexpected end of the header")
            default: throw error("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws {
            for c in word.utf8 {
                guard current == c else { throw error("invalid literal, expected '\(word)'") }
                position += 1
            }
        }

        mutating func object(depth: Int) throws -> SafeTensorsJSON {
            position += 1
            var members: [(key: String, value: SafeTensorsJSON)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after an object key")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                try expect(UInt8(ascii: ","), "',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws -> SafeTensorsJSON {
            position += 1
            var elements: [SafeTensorsJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                try expect(UInt8(ascii: ","), "',' or ']' in an array")
            }
        }

        mutating func number() throws -> SafeTensorsJSON {
            let start = position
            func digits() -> Int {
                let from = position
                while let c = current, c >= 0x30 && c <= 0x39 { position += 1 }
                return position - from
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == 0x30 {
                position += 1
            } else {
                guard digits() > 0 else { throw error("invalid number") }
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("invalid number: no digits after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("invalid number: no digits in the exponent") }
            }
            return .number(String(decoding: bytes[start..<position], as: UTF8.self))
        }

        mutating func string() throws -> String {
            position += 1  // opening quote
            var utf8: [UInt8] = []
            while true {
                guard let c = current else { throw error("unterminated string") }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try escape(into: &utf8)
                case ..<0x20:
                    throw error("control character inside a string")
                default:
                    utf8.append(c)
                }
            }
        }

        /// The escape after a backslash (``JSONEscape``).
        mutating func escape(into utf8: inout [UInt8]) throws {
            var i = position
            do throws(JSONEscape.Failure) {
                try bytes.withUnsafeBufferPointer { buffer throws(JSONEscape.Failure) in
                    try JSONEscape.decode(buffer, at: &i, into: &utf8)
                }
                position = i
            } catch {
                position = i
                throw self.error(error.message)
            }
        }
    }
}

extension SafeTensorsJSON {
    /// `text` as a JSON string literal: quotes, backslashes and control characters
    /// escaped, everything else written as UTF-8.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
