import Foundation
import Latent

// Detector metadata: each input replaces `detector.json` in a real detector directory
// (model.json, model.safetensors, calibration.json beside it) and is loaded with
// AnomalyDetector.load(from:), which decodes the manifest, checks its file names, schema,
// scaler, threshold and calibration, and loads the model. A detector that loads is then
// used to score two rows.
//
// With LATENT_FUZZ_SEEDS=<dir>, start-up writes the real manifest there as the seed.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    blackHole(fixtureDetector)
    writeSeed(AnomalyDetector.manifestFileName, as: "detector.json")
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let manifest = fixtureDirectory.appendingPathComponent(AnomalyDetector.manifestFileName)
    try! Data(bytes(data, size)).write(to: manifest)
    refusalMustBeClear(file: fixtureDirectory.path, accepted: { $0 is DetectorError }) {
        let detector = try AnomalyDetector.load(from: fixtureDirectory)
        let shape = detector.schema.exampleShape
        if shape.allSatisfy({ $0 > 0 && $0 <= 4096 }), shape.reduce(1, *) <= 4096 {
            let x = Tensor(shape: [2] + shape, scalars: [Float](repeating: 0.5, count: 2 * shape.reduce(1, *)))
            // Scoring data of the loaded schema's own shape must work or refuse clearly.
            refusalMustBeClear(file: "", accepted: { $0 is DetectorError }) {
                blackHole(try detector.evaluate(x, topK: 2))
            }
        }
    }
    return 0
}
