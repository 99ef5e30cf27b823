import CLatentKernels
import XCTest

@testable import Latent

/// The AVX-512 kernels of a convolution with one output channel (the denoiser's last
/// layer) against scalar references that add in the order their comments state: the
/// forward an FMA chain per channel over the taps inside the image in (kh, kw) order, then
/// the channels in the pairs of `_mm512_reduce_add_ps` (lane j + j+8, j + j+4, j + j+2,
/// j + j+1); the input gradient an FMA chain per channel over the taps in (kh, kw) order.
/// Bit for bit, on rows shorter than, equal to and longer than the 16-pixel blocks, with
/// padding on one or both sides, strides 1 and 2, full and partial channel vectors.
final class OneOutputConvolutionTests: XCTestCase {
    struct Case {
        let h: Int, w: Int, c: Int, size: Int, stride: Int, padding: Padding
    }

    let cases = [
        Case(h: 7, w: 28, c: 16, size: 3, stride: 1, padding: .same),
        Case(h: 5, w: 16, c: 16, size: 3, stride: 1, padding: .same),
        Case(h: 6, w: 37, c: 9, size: 3, stride: 1, padding: .same),
        Case(h: 5, w: 33, c: 16, size: 5, stride: 1, padding: .same),
        Case(h: 6, w: 20, c: 16, size: 3, stride: 1, padding: .valid),
        Case(h: 9, w: 11, c: 16, size: 3, stride: 1, padding: .same),
        Case(h: 8, w: 35, c: 16, size: 3, stride: 2, padding: .same),
    ]

    /// `body(case, geometry, kernel, generator)` for every case, a batch of `batch` images.
    func forEachCase(
        seed: UInt64, _ body: (Case, inout latent_conv_geometry, [Float], inout RandomGenerator) -> Void
    ) {
        var rng = RandomGenerator(seed: seed)
        for t in cases {
            let geometry = ConvolutionGeometry(
                inputHeight: t.h, inputWidth: t.w, channels: t.c, kernel: (t.size, t.size),
                stride: (t.stride, t.stride), padding: t.padding)
            var g = ConvolutionKernels(geometry, batch: batch, filters: 1).geometry
            let k = Tensor.randomUniform([t.size, t.size, t.c, 1], low: -1, high: 1, using: &rng).scalars
            body(t, &g, k, &rng)
        }
    }

    let batch = 2

    func testForwardAddsInItsStatedOrder() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "the one-output kernels are AVX-512")
        forEachCase(seed: 41) { t, g, k, rng in
            let n = batch
            let x = Tensor.randomUniform([n, t.h, t.w, t.c], low: -1, high: 1, using: &rng).scalars
            var y = [Float](repeating: .nan, count: n * g.oh * g.ow)
            XCTAssertEqual(latent_conv_one_channel_level(2, 0, &g, x, k, &y, 0, n), 1)
            var differing = 0
            for b in 0..<n {
                for oh in 0..<g.oh {
                    for ow in 0..<g.ow {
                        var lanes = [Float](repeating: 0, count: 16)
                        for kh in 0..<g.kh {
                            let ih = oh * g.sh + kh - g.pt
                            guard ih >= 0, ih < g.h else { continue }
                            for kw in 0..<g.kw {
                                let iw = ow * g.sw + kw - g.pl
                                guard iw >= 0, iw < g.w else { continue }
                                for c in 0..<t.c {
                                    let xv = x[((b * t.h + ih) * t.w + iw) * t.c + c]
                                    lanes[c] = lanes[c].addingProduct(xv, k[(kh * t.size + kw) * t.c + c])
                                }
                            }
                        }
                        for half in [8, 4, 2, 1] { for j in 0..<half { lanes[j] += lanes[j + half] } }
                        if y[(b * g.oh + oh) * g.ow + ow].bitPattern != lanes[0].bitPattern { differing += 1 }
                    }
                }
            }
            XCTAssertEqual(differing, 0, "\(t): \(differing) of \(y.count) outputs differ")
        }
    }

    func testInputGradientAddsInItsStatedOrder() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "the one-output kernels are AVX-512")
        forEachCase(seed: 43) { t, g, k, rng in
            let n = batch
            let gy = Tensor.randomUniform([n, g.oh, g.ow, 1], low: -1, high: 1, using: &rng).scalars
            var dx = [Float](repeating: .nan, count: n * t.h * t.w * t.c)
            XCTAssertEqual(latent_conv_one_channel_level(2, 2, &g, gy, k, &dx, 0, n), 1)
            var differing = 0
            for b in 0..<n {
                for ih in 0..<t.h {
                    for iw in 0..<t.w {
                        for c in 0..<t.c {
                            var sum: Float = 0
                            for kh in 0..<g.kh {
                                let th = ih + g.pt - kh
                                guard th >= 0, th % g.sh == 0, th / g.sh < g.oh else { continue }
                                for kw in 0..<g.kw {
                                    let tw = iw + g.pl - kw
                                    guard tw >= 0, tw % g.sw == 0, tw / g.sw < g.ow else { continue }
                                    let gv = gy[(b * g.oh + th / g.sh) * g.ow + tw / g.sw]
                                    sum = sum.addingProduct(gv, k[(kh * t.size + kw) * t.c + c])
                                }
                            }
                            if dx[((b * t.h + ih) * t.w + iw) * t.c + c].bitPattern != sum.bitPattern { differing += 1 }
                        }
                    }
                }
            }
            XCTAssertEqual(differing, 0, "\(t): \(differing) of \(dx.count) input gradients differ")
        }
    }
}
