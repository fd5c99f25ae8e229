import Testing
import TuneTestSupport

@testable import TuneCore

@Suite("GPU inventory", .limitedParallelism)
struct GPUInventoryTests {
    @Test func nvidiaSMIListing() {
        let listing = """
            GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0d6d5a4c)
              MIG 3g.40gb     Device  0: (UUID: MIG-1b2c)
            GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-7e1f)
            No devices were found
            """
        #expect(GPUInventory.parse(listing) == ["0", "1"])
        #expect(GPUInventory.parse("") == [])
    }

    @Test func optionEnvironmentAndErrors() throws {
        #expect(try GPUInventory.devices(option: "0, 2,3", environment: [:]).ids == ["0", "2", "3"])
        #expect(throws: GPUInventory.Failure.self) { try GPUInventory.devices(option: "0,,1", environment: [:]) }
        #expect(throws: GPUInventory.Failure.self) { try GPUInventory.devices(option: "1,1", environment: [:]) }
        #expect(try GPUInventory.devices(option: nil, environment: ["CUDA_VISIBLE_DEVICES": "2,GPU-ab"]).ids == ["2", "GPU-ab"])
        #expect(try GPUInventory.devices(option: nil, environment: ["CUDA_VISIBLE_DEVICES": "1,-1,3"]).ids == ["1"])
        #expect(try GPUInventory.devices(option: nil, environment: ["CUDA_VISIBLE_DEVICES": "", "PATH": "/nonexistent"]).ids == [])
    }
}
