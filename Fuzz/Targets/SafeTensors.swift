import Foundation
import Latent

// safetensors reader: SafeTensors.decode(_:source:), every rule of the format.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file = "fuzz.safetensors"
    let input = Data(bytes(data, size))
    refusalMustBeClear(file: file, accepted: { $0 is SafeTensorsError }) {
        let (tensors, order, metadata) = try SafeTensors.decode(input, source: file)
        precondition(Set(order) == Set(tensors.keys) && order.count == tensors.count, "names disagree")
        for name in order { touch(tensors[name]!.scalars, shape: tensors[name]!.shape) }
        blackHole(metadata)
    }
    return 0
}
