import Foundation

/// TEMPORARY experiment knobs (environment), removed before merge.
enum GPTweaks {
    static let env = ProcessInfo.processInfo.environment
    static func int(_ k: String, _ d: Int) -> Int { env[k].flatMap { Int($0) } ?? d }
    static func dbl(_ k: String, _ d: Double) -> Double { env[k].flatMap { Double($0) } ?? d }
    static let warp = int("TW_WARP", 2)
    static let initSize = int("TW_INIT", -1)
    static let starts = int("TW_STARTS", 10)
    static let candidates = int("TW_CAND", 2048)
    static let gradientSteps = int("TW_GSTEPS", 40)
    static let sweeps = int("TW_SWEEPS", 8)
    static let prior = int("TW_PRIOR", 0)
    static let fitStarts = int("TW_FITSTARTS", 1)
    static let explore = int("TW_EXPLORE", 0)
    static let exploreEvery = int("TW_EXPLORE_EVERY", 0)
    static let noiseRate = dbl("TW_NOISE_RATE", 30)
    static let pgtol = dbl("TW_PGTOL", 1e-3)
}
extension GPTweaks {
    static let lengthPeak = dbl("TW_LPEAK", 1)
    static let beta = dbl("TW_BETA", 2)
}
