import Foundation

/// A pseudo-random generator (SplitMix64) for randomized tests: the same seed gives the same values.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The seed it started from.
    public let seed: UInt64
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// A generator for the test `name`, seeded from `BIANMIN_TEST_SEED` when that is set and from
    /// the system's random source otherwise; it prints the seed, so a failure can be run again.
    public static func forTest(_ name: String = #function) -> SeededGenerator {
        let seed: UInt64
        if let text = ProcessInfo.processInfo.environment["BIANMIN_TEST_SEED"] {
            guard let given = UInt64(text) else { preconditionFailure("BIANMIN_TEST_SEED=\(text) is not a number 0...2^64-1") }
            seed = given
        } else {
            seed = UInt64.random(in: .min ... .max)
        }
        print("\(name): random seed \(seed) (run again with BIANMIN_TEST_SEED=\(seed))")
        return SeededGenerator(seed: seed)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
