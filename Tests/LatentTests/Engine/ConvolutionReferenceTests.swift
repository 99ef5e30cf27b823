import Foundation
import XCTest

@testable import Latent

/// Convolutions, transposed convolutions and max pooling against plain double-precision
/// loops written from the definitions, not against another path of the engine: forward
/// with bias and activation, and the gradients of a weighted sum of the outputs.
///
/// `.ci/run` runs these at every kernel level the host has (AVX-512, AVX2, baseline), so
/// each level's kernels (the one-input-channel and one-output-channel families included)
/// are held to the same reference.
final class ConvolutionReferenceTests: XCTestCase {
    /// NHWC sizes and the padding before each axis, as TensorFlow and Keras place it.
    struct Shape {
        let n, h, w, c, f, k, s: Int
        let padding: Padding
        var oh: Int { padding == .same ? (h + s - 1) / s : (h - k) / s + 1 }
        var ow: Int { padding == .same ? (w + s - 1) / s : (w - k) / s + 1 }
        var padTop: Int { padding == .same ? Swift.max((oh - 1) * s + k - h, 0) / 2 : 0 }
        var padLeft: Int { padding == .same ? Swift.max((ow - 1) * s + k - w, 0) / 2 : 0 }
    }

    /// Calls `body(n, oh, ow, ih, iw, kh, kw)` for every output position and kernel tap
    /// whose input position lies inside the image.
    func forEachTap(_ s: Shape, _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
        for n in 0..<s.n {
            for oh in 0..<s.oh {
                for ow in 0..<s.ow {
                    for kh in 0..<s.k {
                        for kw in 0..<s.k {
                            let ih = oh * s.s + kh - s.padTop
                            let iw = ow * s.s + kw - s.padLeft
                            if ih >= 0, ih < s.h, iw >= 0, iw < s.w { body(n, oh, ow, ih, iw, kh, kw) }
                        }
                    }
                }
            }
        }
    }

    func activate(_ z: Double, _ a: Activation) -> Double {
        switch a {
        case .identity: return z
        case .relu: return Swift.max(z, 0)
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        case .tanh: return Foundation.tanh(z)
        case .softplus: return Foundation.log1p(Foundation.exp(z))
        }
    }

    func slope(_ z: Double, _ a: Activation) -> Double {
        switch a {
        case .identity: return 1
        case .relu: return z > 0 ? 1 : 0
        case .sigmoid:
            let y = activate(z, a)
            return y * (1 - y)
        case .tanh:
            let y = Foundation.tanh(z)
            return 1 - y * y
        case .softplus: return 1 / (1 + Foundation.exp(-z))
        }
    }

    /// |a − b| ≤ 1e-5 · (1 + |b|) element by element, naming the first that is not.
    func assertNear(
        _ actual: [Float], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - e) > 1e-5 * (1 + abs(e)) {
            return XCTFail("\(what): element \(i) is \(a), the double reference \(e)", file: file, line: line)
        }
    }

    /// The shapes: every register-block width (1, 8, 16, 24, 32, > 32 lanes) and the
    /// one-input-channel and one-output-channel kernel families, each with both paddings.
    let shapes: [Shape] = [
        (1, 10), (10, 20), (16, 1), (3, 33), (17, 8), (1, 1), (5, 1), (1, 16), (1, 3), (17, 1), (8, 24),
    ]
    .flatMap { c, f in
        [(1, Padding.valid), (2, .same), (1, .same), (2, .valid)].map { s, p in
            Shape(n: 2, h: 9, w: 8, c: c, f: f, k: 3, s: s, padding: p)
        }
    }

    func testConvolutionMatchesTheDefinition() {
        var g = RandomGenerator(seed: 71)
        for s in shapes {
            for activation in [Activation.identity, .sigmoid, .relu] {
                let what = "conv2d c=\(s.c) f=\(s.f) s=\(s.s) \(s.padding) \(activation)"
                let x = Tensor.randomUniform([s.n, s.h, s.w, s.c], low: -1, high: 1, using: &g).requiringGradient()
                let k = Tensor.randomUniform([s.k, s.k, s.c, s.f], low: -1, high: 1, using: &g).requiringGradient()
                let b = Tensor.randomUniform([s.f], low: -0.5, high: 0.5, using: &g).requiringGradient()
                let y = Tensor.conv2d(
                    x, filter: k, bias: b, activation: activation, stride: (s.s, s.s), padding: s.padding)
                let weights = Tensor.randomUniform(y.shape, low: -1, high: 1, using: &g)
                (y * weights).sum().backward()

                let (xs, ks, bs, ws) = (
                    x.scalars.map(Double.init), k.scalars.map(Double.init),
                    b.scalars.map(Double.init), weights.scalars.map(Double.init)
                )
                let out = { (n: Int, oh: Int, ow: Int) in ((n * s.oh + oh) * s.ow + ow) * s.f }
                let inp = { (n: Int, ih: Int, iw: Int) in ((n * s.h + ih) * s.w + iw) * s.c }
                let tap = { (kh: Int, kw: Int) in (kh * s.k + kw) * s.c * s.f }
                var z = [Double](repeating: 0, count: s.n * s.oh * s.ow * s.f)
                for i in 0..<z.count { z[i] = bs[i % s.f] }
                forEachTap(s) { n, oh, ow, ih, iw, kh, kw in
                    for c in 0..<s.c {
                        for f in 0..<s.f {
                            z[out(n, oh, ow) + f] += xs[inp(n, ih, iw) + c] * ks[tap(kh, kw) + c * s.f + f]
                        }
                    }
                }
                assertNear(y.scalars, z.map { activate($0, activation) }, "\(what): forward")
                // A ReLU kink inside float rounding of zero would make the gradient ambiguous.
                if activation == .relu { continue }

                let dz = z.indices.map { ws[$0] * slope(z[$0], activation) }
                var dx = [Double](repeating: 0, count: xs.count)
                var dk = [Double](repeating: 0, count: ks.count)
                var db = [Double](repeating: 0, count: s.f)
                for i in dz.indices { db[i % s.f] += dz[i] }
                forEachTap(s) { n, oh, ow, ih, iw, kh, kw in
                    for c in 0..<s.c {
                        for f in 0..<s.f {
                            dx[inp(n, ih, iw) + c] += dz[out(n, oh, ow) + f] * ks[tap(kh, kw) + c * s.f + f]
                            dk[tap(kh, kw) + c * s.f + f] += dz[out(n, oh, ow) + f] * xs[inp(n, ih, iw) + c]
                        }
                    }
                }
                assertNear(x.gradient!.scalars, dx, "\(what): input gradient")
                assertNear(k.gradient!.scalars, dk, "\(what): kernel gradient")
                assertNear(b.gradient!.scalars, db, "\(what): bias gradient")
            }
        }
    }

    /// The transposed convolution is the adjoint of the convolution over the output's
    /// geometry: y[n, ih, iw, f] = b[f] + Σ x[n, oh, ow, c] · K[kh, kw, f, c].
    func testTransposedConvolutionMatchesTheDefinition() {
        var g = RandomGenerator(seed: 72)
        for t in shapes where t.padding == .same || t.s == 1 {
            // t's output is this layer's input; its input is this layer's output.
            let s = Shape(
                n: t.n, h: t.padding == .same ? t.oh * t.s : (t.oh - 1) * t.s + t.k,
                w: t.padding == .same ? t.ow * t.s : (t.ow - 1) * t.s + t.k,
                c: t.f, f: t.c, k: t.k, s: t.s, padding: t.padding)
            let what = "conv2dTranspose c=\(s.f) f=\(s.c) s=\(s.s) \(s.padding)"
            let x = Tensor.randomUniform([s.n, s.oh, s.ow, s.f], low: -1, high: 1, using: &g).requiringGradient()
            let k = Tensor.randomUniform([s.k, s.k, s.c, s.f], low: -1, high: 1, using: &g).requiringGradient()
            let b = Tensor.randomUniform([s.c], low: -0.5, high: 0.5, using: &g).requiringGradient()
            let y = Tensor.conv2dTranspose(
                x, filter: k, bias: b, activation: .sigmoid, stride: (s.s, s.s), padding: s.padding)
            XCTAssertEqual(y.shape, [s.n, s.h, s.w, s.c], what)
            let weights = Tensor.randomUniform(y.shape, low: -1, high: 1, using: &g)
            (y * weights).sum().backward()

            let (xs, ks, bs, ws) = (
                x.scalars.map(Double.init), k.scalars.map(Double.init),
                b.scalars.map(Double.init), weights.scalars.map(Double.init)
            )
            let small = { (n: Int, oh: Int, ow: Int) in ((n * s.oh + oh) * s.ow + ow) * s.f }
            let large = { (n: Int, ih: Int, iw: Int) in ((n * s.h + ih) * s.w + iw) * s.c }
            let tap = { (kh: Int, kw: Int) in (kh * s.k + kw) * s.c * s.f }
            var z = [Double](repeating: 0, count: s.n * s.h * s.w * s.c)
            for i in 0..<z.count { z[i] = bs[i % s.c] }
            forEachTap(s) { n, oh, ow, ih, iw, kh, kw in
                for c in 0..<s.c {
                    for f in 0..<s.f {
                        z[large(n, ih, iw) + c] += xs[small(n, oh, ow) + f] * ks[tap(kh, kw) + c * s.f + f]
                    }
                }
            }
            assertNear(y.scalars, z.map { activate($0, .sigmoid) }, "\(what): forward")

            let dz = z.indices.map { ws[$0] * slope(z[$0], .sigmoid) }
            var dx = [Double](repeating: 0, count: xs.count)
            var dk = [Double](repeating: 0, count: ks.count)
            forEachTap(s) { n, oh, ow, ih, iw, kh, kw in
                for c in 0..<s.c {
                    for f in 0..<s.f {
                        dx[small(n, oh, ow) + f] += dz[large(n, ih, iw) + c] * ks[tap(kh, kw) + c * s.f + f]
                        dk[tap(kh, kw) + c * s.f + f] += dz[large(n, ih, iw) + c] * xs[small(n, oh, ow) + f]
                    }
                }
            }
            assertNear(x.gradient!.scalars, dx, "\(what): input gradient")
            assertNear(k.gradient!.scalars, dk, "\(what): kernel gradient")
        }
    }

    /// Max pooling: each output is its window's maximum; the gradient goes to the first
    /// maximum of each window (ties are broken by position, row-major), also when values
    /// repeat: inputs rounded to halves, signed zeros among them, tie in most windows.
    func testMaxPoolingMatchesTheDefinition() {
        var g = RandomGenerator(seed: 73)
        let windows = [(2, 2, 1), (2, 2, 10), (3, 2, 17), (2, 1, 33), (2, 2, 20), (3, 3, 3)]
        for (size, stride, c, ties) in windows.flatMap({ w in [false, true].map { (w.0, w.1, w.2, $0) } }) {
            let (n, h, w) = (2, 9, 8)
            var x = Tensor.randomUniform([n, h, w, c], low: -1, high: 1, using: &g)
            if ties { x = Tensor(shape: x.shape, scalars: x.scalars.map { ($0 * 2).rounded() / 2 }) }
            x = x.requiringGradient()
            let y = x.maxPooled(size: (size, size), stride: (stride, stride))
            let weights = Tensor.randomUniform(y.shape, low: -1, high: 1, using: &g)
            (y * weights).sum().backward()
            let (oh, ow) = ((h - size) / stride + 1, (w - size) / stride + 1)
            let xs = x.scalars
            let ws = weights.scalars
            var expected = [Double]()
            var dx = [Double](repeating: 0, count: xs.count)
            for b in 0..<n {
                for i in 0..<oh {
                    for j in 0..<ow {
                        for ch in 0..<c {
                            var best = -Double.infinity
                            var at = 0
                            for di in 0..<size {
                                for dj in 0..<size {
                                    let index = ((b * h + i * stride + di) * w + j * stride + dj) * c + ch
                                    if Double(xs[index]) > best { (best, at) = (Double(xs[index]), index) }
                                }
                            }
                            expected.append(best)
                            dx[at] += Double(ws[((b * oh + i) * ow + j) * c + ch])
                        }
                    }
                }
            }
            let what = "maxPool \(size)/\(stride) c=\(c)\(ties ? " with ties" : "")"
            assertNear(y.scalars, expected, "\(what): forward")
            assertNear(x.gradient!.scalars, dx, "\(what): input gradient")
        }
    }
}
