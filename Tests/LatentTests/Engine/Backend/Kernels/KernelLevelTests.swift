import Foundation
import XCTest

@testable import Latent

/// `.ci/run` re-runs the engine's tests with `LATENT_KERNELS=avx2` and `=baseline`, so the
/// kernels an AVX-512 host never picks by itself are tested too. This test proves that the
/// level asked for is the level in effect (else those runs would test the default again).
final class KernelLevelTests: XCTestCase {
    func testTheRequestedKernelLevelIsInEffect() throws {
        let requested = ProcessInfo.processInfo.environment["LATENT_KERNELS"]
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let hostAVX2 = flags.contains(" avx2") && flags.contains(" fma")
        print(
            "LATENT_KERNELS=\(requested ?? "(unset)"): Latent's kernels run at level \(Engine.vectorKernels), OpenBLAS uses \(Engine.blasKernels)"
        )
        switch requested {
        case "baseline":
            XCTAssertEqual(Engine.vectorKernels, "baseline")
        case "avx2":
            XCTAssertEqual(Engine.vectorKernels, hostAVX2 ? "avx2" : "baseline")
        default:
            #if arch(x86_64) && os(Linux)
            if hostAVX2 { XCTAssertNotEqual(Engine.vectorKernels, "baseline", "an AVX2 host runs vector kernels") }
            #endif
        }
    }
}
