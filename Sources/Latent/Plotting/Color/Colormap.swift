/// A continuous colour scale: maps a number in [0, 1] to a colour by linear interpolation
/// between evenly spaced anchor colours.
///
/// ```
/// t ∈ [0, 1],  k = ⌊t·(n−1)⌋,  colour = mix(anchor[k], anchor[k+1], t·(n−1) − k)
/// ```
///
/// `viridis` and `magma` are the perceptually uniform maps of matplotlib, approximated by
/// ten anchors each (visually indistinguishable from the 256-entry tables at image sizes).
///
/// ```swift
/// Colormap.magma.color(at: 0.5)   // a purple-red
/// ```
///
/// ### See Also
/// - ``HeatMap``
public struct Colormap: Sendable {
    /// The anchor colours, at t = 0, 1/(n−1), …, 1.
    public let anchors: [RGBColor]

    /// A colormap from at least two anchors.
    public init(anchors: [RGBColor]) {
        precondition(anchors.count >= 2, "A colormap needs at least two anchor colours.")
        self.anchors = anchors
    }

    /// The colour at `t`; values outside [0, 1] are clamped and NaN maps to the first anchor.
    public func color(at t: Double) -> RGBColor {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = t * Double(anchors.count - 1)
        let k = min(Int(position), anchors.count - 2)
        return RGBColor.mix(anchors[k], anchors[k + 1], position - Double(k))
    }

    /// Dark blue → green → yellow; the default for sequential data.
    public static let viridis = Colormap(
        anchors: [
            0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E,
            0x1F9E89, 0x35B779, 0x6ECE58, 0xB5DE2B, 0xFDE725,
        ].map { RGBColor(hex: $0) })

    /// Black → purple → orange → pale yellow; makes large errors glow on a dark background.
    public static let magma = Colormap(
        anchors: [
            0x000004, 0x180F3D, 0x440F76, 0x721F81, 0x9E2F7F,
            0xCD4071, 0xF1605D, 0xFD9668, 0xFECA8D, 0xFCFDBF,
        ].map { RGBColor(hex: $0) })

    /// Black → white.
    public static let grayscale = Colormap(anchors: [.black, .white])
}
