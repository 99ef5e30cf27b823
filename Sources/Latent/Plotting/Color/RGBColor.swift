/// An opaque 8-bit sRGB colour, as used by both the PNG encoder and the SVG figures.
///
/// ```swift
/// let blue = RGBColor(hex: 0x4E79A7)
/// blue.hexString  // "#4e79a7"
/// ```
public struct RGBColor: Hashable, Sendable {
    /// Red channel, 0…255.
    public var red: UInt8
    /// Green channel, 0…255.
    public var green: UInt8
    /// Blue channel, 0…255.
    public var blue: UInt8

    /// A colour from its three 8-bit channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32) {
        self.init(
            red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF)
        )
    }

    /// The CSS / SVG spelling, `#rrggbb` in lower case.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [red, green, blue] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    /// Linear interpolation between two colours in sRGB space; `t` is clamped to [0, 1].
    public static func mix(_ a: RGBColor, _ b: RGBColor, _ t: Double) -> RGBColor {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        func lerp(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8((Double(x) + (Double(y) - Double(x)) * t).rounded())
        }
        return RGBColor(
            red: lerp(a.red, b.red), green: lerp(a.green, b.green), blue: lerp(a.blue, b.blue))
    }
}

extension RGBColor {
    /// The ten Tableau categorical colours (blue, orange, red, teal, green, yellow, purple,
    /// pink, brown, grey), distinct from one another and readable on white.
    public static let tableau10: [RGBColor] = [
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F,
        0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC,
    ].map { RGBColor(hex: $0) }

    /// The categorical colour for index `i` (wrapping after ten; negative indices wrap too).
    public static func category(_ i: Int) -> RGBColor {
        let n = tableau10.count
        return tableau10[((i % n) + n) % n]
    }

    /// `#000000`.
    public static let black = RGBColor(hex: 0x000000)
    /// `#ffffff`.
    public static let white = RGBColor(hex: 0xFFFFFF)
    /// Near-black for text and reference lines: reads as "ink" rather than data.
    public static let ink = RGBColor(hex: 0x222222)
    static let mutedInk = RGBColor(hex: 0x555555)
    static let gridLine = RGBColor(hex: 0xE6E6E6)
    static let frame = RGBColor(hex: 0xBBBBBB)
    static let chanceGrey = RGBColor(hex: 0x999999)
}
