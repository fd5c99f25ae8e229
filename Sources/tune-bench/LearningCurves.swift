import Foundation

/// A known family of learning curves for the early-stopping and Hyperband benchmark
/// (`tune-bench curves`, CurvesBenchmark.swift): validation accuracy per epoch as a function of
/// three hyperparameters, so the benchmark knows every configuration's true value.
///
/// Hyperparameters (the search space of `space(maxTrials:)`):
/// - `lr`, DOUBLE 1e-4…1, log scale; `d = log10(lr / lr*)` is its distance in decades from the
///   optimizer's best step size `lr*`.
/// - `width`, INTEGER 16…512, log scale; `w = log2(width / 16) / 5` ∈ [0, 1].
/// - `optimizer`, CATEGORICAL: `sgd` (lr* 0.3, diverges above 0.8, ceiling 0.90), `momentum`
///   (0.03, 0.15, 0.93) or `adam` (0.003, 0.03, 0.94).
///
/// The noiseless curve, t = 1, 2, … epochs, starting from chance a₀ = 0.1:
///
///     plateau  A = ceiling + 0.03 w − 0.04 (d + 0.5)²            (at least a₀ + 0.05)
///     speed    τ = 1.5 · 10^(−0.4 d) · (1 + 0.5 w)  epochs  (`crossing`; `mild`: 0.5 · 10^(−0.2 d) · (1 + 0.2 w))
///     acc(t)   = A − (A − a₀) · exp(−t / τ)
///
/// which gives the shapes the benchmark needs:
/// - **Fast, plateauing low**: a large step (d > 0) converges in an epoch or two (τ < 1.5) to a
///   plateau 0.04 d² below the best.
/// - **Slow, ending high (crossing curves)**: a step half a decade under lr* has the highest
///   plateau but τ ≈ 2.4–3.6 epochs, and a wide network is slower still and higher: these are
///   behind the fast ones for the first few epochs and ahead of them at 27. The best of 27
///   random configurations is in the bottom half of its group at epoch 1 about a third of the
///   time, at epoch 3 one time in twenty (`properties` prints these figures).
/// - **Too slow**: a step two or more decades under lr* (τ ≥ 9) has not converged by epoch 27.
/// - **Diverging**: above the optimizer's divergence step, lowered for wide networks
///   (`lrDiverge · (16 / width)^0.25`), the curve follows its fast rise until epoch
///   `t_c = max(0, 6 − 20 r)` (r = decades above the divergence step), then collapses to chance:
///   `a₀ + (acc(t) − a₀) · exp(−(t − t_c))`. Just above the threshold that is a curve that leads
///   for a few epochs and then dies; far above it, one that never learns. The collapse is to a
///   finite value (chance), never NaN, so a diverged trial still succeeds with a bad objective.
///
/// `schedule` is the same family with slow curves (τ scale 6, τ ∝ 10^(−0.6 d)): a step that reaches
/// the highest plateau has not converged by epoch 27, so a large step first and a small one later
/// beats every constant configuration (PBT's problem; `step` and `trueValue(schedule:)` give the
/// curve of a configuration that changes during training).
///
/// `mild` is the same family with fast, nearly parallel curves (τ under 2 epochs for all but the
/// smallest steps): few crossings after epoch 1, for telling what crossing curves cost a method
/// from what it costs by itself.
///
/// Each reading adds measurement noise, Gaussian with standard deviation `noise` (0.01 for
/// `crossing` and `mild`, 0.03 for `crossing-noisy`), drawn from a generator seeded by the configuration and
/// the epoch alone: a configuration rerun (or continued from a checkpoint) sees the same readings,
/// so the benchmark's runs differ only by what tune does. Readings are clamped to [0, 1].
struct CurveProblem: Sendable {
    var name: String
    /// Standard deviation of the per-reading measurement noise.
    var noise: Double
    /// τ at lr* for the narrowest network, in epochs.
    var tauScale = 1.5
    /// How much faster a larger step trains: τ ∝ 10^(−lrSpeed · d).
    var lrSpeed = 0.4
    /// How much slower the widest network trains: τ ∝ 1 + widthSlowdown · w.
    var widthSlowdown = 0.5

    static let all = [
        CurveProblem(name: "crossing", noise: 0.01),
        CurveProblem(name: "crossing-noisy", noise: 0.03),
        CurveProblem(name: "mild", noise: 0.01, tauScale: 0.5, lrSpeed: 0.2, widthSlowdown: 0.2),
        CurveProblem(name: "schedule", noise: 0.01, tauScale: 6, lrSpeed: 0.6),
    ]

    static func named(_ name: String) -> CurveProblem? { all.first { $0.name == name } }

    /// The metric each epoch reports (maximized).
    static let metricTag = "val_acc"
    /// Chance accuracy: where every curve starts and where diverged ones end.
    static let chance = 0.1

    struct Optimizer: Sendable {
        var name: String
        var bestStep: Double
        var divergeStep: Double
        var ceiling: Double
    }

    static let optimizers = [
        Optimizer(name: "sgd", bestStep: 0.3, divergeStep: 0.8, ceiling: 0.90),
        Optimizer(name: "momentum", bestStep: 0.03, divergeStep: 0.15, ceiling: 0.93),
        Optimizer(name: "adam", bestStep: 0.003, divergeStep: 0.03, ceiling: 0.94),
    ]

    /// One point of the space, as the trial receives it.
    struct Configuration: Sendable, Hashable {
        var lr: Double
        var width: Int
        var optimizer: String

        /// From `--lr=… --width=… --optimizer=…` values (tune's rendering: full-precision
        /// doubles, integers, the categorical string); nil when one is missing or invalid.
        init?(lr: String?, width: String?, optimizer: String?) {
            guard let lr = lr.flatMap(Double.init), lr > 0, lr.isFinite,
                let width = width.flatMap(Double.init), width >= 1, width.isFinite,
                let optimizer, CurveProblem.optimizers.contains(where: { $0.name == optimizer })
            else { return nil }
            self.init(lr: lr, width: Int(width.rounded()), optimizer: optimizer)
        }

        init(lr: Double, width: Int, optimizer: String) {
            self.lr = lr
            self.width = width
            self.optimizer = optimizer
        }

        var text: String { "lr=\(lr) width=\(width) optimizer=\(optimizer)" }
    }

    /// The noiseless accuracy after `epoch` epochs (0 gives chance).
    func trueValue(_ c: Configuration, epoch: Int) -> Double {
        let opt = Self.optimizers.first { $0.name == c.optimizer } ?? Self.optimizers[0]
        let d = log10(c.lr / opt.bestStep)
        let w = log2(Double(c.width) / 16) / 5
        let chance = Self.chance
        let plateau = max(opt.ceiling + 0.03 * w - 0.04 * (d + 0.5) * (d + 0.5), chance + 0.05)
        let tau = tauScale * pow(10, -lrSpeed * d) * (1 + widthSlowdown * w)
        let t = Double(epoch)
        var acc = plateau - (plateau - chance) * exp(-t / tau)
        if let collapse = Self.collapseEpoch(c), t > collapse {
            acc = chance + (acc - chance) * exp(-(t - collapse))
        }
        return acc
    }

    /// One epoch of training with `c` from accuracy `a` (PBT's view: the state is the accuracy
    /// reached, whatever trained it): `a` moves toward c's plateau by a share 1 − e^(−1/τ), so a
    /// constant configuration follows exactly `trueValue(c, epoch:)`. A configuration that
    /// diverges collapses toward chance from the first epoch it trains (not after its rise).
    func step(_ a: Double, _ c: Configuration) -> Double {
        let opt = Self.optimizers.first { $0.name == c.optimizer } ?? Self.optimizers[0]
        let d = log10(c.lr / opt.bestStep)
        let w = log2(Double(c.width) / 16) / 5
        guard Self.collapseEpoch(c) == nil else { return Self.chance + (a - Self.chance) * exp(-1) }
        let plateau = max(opt.ceiling + 0.03 * w - 0.04 * (d + 0.5) * (d + 0.5), Self.chance + 0.05)
        let tau = tauScale * pow(10, -lrSpeed * d) * (1 + widthSlowdown * w)
        return plateau - (plateau - a) * exp(-1 / tau)
    }

    /// The noiseless accuracy after training with each (configuration, epochs) in turn from chance.
    func trueValue(schedule: [(Configuration, Int)]) -> Double {
        var a = Self.chance
        for (c, epochs) in schedule {
            for _ in 0..<max(epochs, 0) { a = step(a, c) }
        }
        return a
    }

    /// The best constant configuration's noiseless value after `epochs`, over a fine grid of the
    /// space (the bar a schedule must beat on the `schedule` family), and that configuration.
    func bestConstant(epochs: Int) -> (value: Double, configuration: Configuration) {
        var best = (value: -Double.infinity, configuration: Configuration(lr: 0.01, width: 16, optimizer: "sgd"))
        for opt in Self.optimizers {
            for i in 0...160 {
                let lr = pow(10, -4 + 4 * Double(i) / 160)
                for width in [16, 32, 64, 128, 256, 512] {
                    let c = Configuration(lr: lr, width: width, optimizer: opt.name)
                    let value = trueValue(schedule: [(c, epochs)])
                    if value > best.value { best = (value, c) }
                }
            }
        }
        return best
    }

    /// The epoch after which the curve collapses to chance, or nil for a configuration that does not diverge.
    static func collapseEpoch(_ c: Configuration) -> Double? {
        let opt = optimizers.first { $0.name == c.optimizer } ?? optimizers[0]
        let threshold = opt.divergeStep * pow(16 / Double(c.width), 0.25)
        guard c.lr > threshold else { return nil }
        return max(0, 6 - 20 * log10(c.lr / threshold))
    }

    /// The reading the trial prints at `epoch`: the true value plus this configuration's noise at this epoch, in [0, 1].
    func reading(_ c: Configuration, epoch: Int) -> Double {
        var g = NoiseGenerator(seed: NoiseGenerator.key(c, epoch: epoch, salt: name))
        let z = g.gaussian()
        return min(1, max(0, trueValue(c, epoch: epoch) + noise * z))
    }

    /// The space as a config's `params:` entries, indented for the spec mapping.
    static func paramsYAML(indent: String) -> String {
        """
        \(indent)params:
        \(indent)  - parameterName: lr
        \(indent)    type: DOUBLE
        \(indent)    minValue: 0.0001
        \(indent)    maxValue: 1.0
        \(indent)    scaleType: UNIT_LOG_SCALE
        \(indent)  - parameterName: width
        \(indent)    type: INTEGER
        \(indent)    minValue: 16
        \(indent)    maxValue: 512
        \(indent)    scaleType: UNIT_LOG_SCALE
        \(indent)  - parameterName: optimizer
        \(indent)    type: CATEGORICAL
        \(indent)    categoricalValues: [\(optimizers.map(\.name).joined(separator: ", "))]
        """
    }

    /// Checks of the shapes the doc comment claims, over `count` configurations drawn uniformly in
    /// the (log) space with a fixed generator: the share that diverge; for each early epoch, the
    /// share of pairs of non-diverging configurations whose order then is reversed at `final`,
    /// Spearman's ρ between the early and final values, and how often the best of `group`
    /// configurations is in the bottom half of its group at that epoch.
    func properties(count: Int = 20_000, earlyEpochs: [Int] = [1, 3, 9], final: Int, group: Int) -> [String] {
        var g = NoiseGenerator(seed: 0x5EED)
        let configs = (0..<count).map { _ in
            Configuration(
                lr: pow(10, -4 + 4 * g.unit()), width: Int(pow(2, 4 + 5 * g.unit()).rounded()),
                optimizer: Self.optimizers[Int(g.unit() * 3) % 3].name)
        }
        let last = configs.map { trueValue($0, epoch: final) }
        let diverging = configs.filter { Self.collapseEpoch($0) != nil }.count
        func pct(_ a: Int, _ b: Int) -> String { String(format: "%.0f%%", 100 * Double(a) / Double(max(b, 1))) }
        var lines = [
            "\(pct(diverging, count)) of configurations diverge; the true value at epoch \(final) has quartiles "
                + Stats.quartileText(last)
        ]
        for early in earlyEpochs {
            let values = configs.map { trueValue($0, epoch: early) }
            var crossed = 0
            var pairs = 0
            for i in stride(from: 0, to: count - 1, by: 2) where Self.collapseEpoch(configs[i]) == nil && Self.collapseEpoch(configs[i + 1]) == nil {
                pairs += 1
                if (values[i] - values[i + 1]) * (last[i] - last[i + 1]) < 0 { crossed += 1 }
            }
            var behind = 0
            var groups = 0
            for start in stride(from: 0, through: count - group, by: group) {
                let range = start..<(start + group)
                let best = range.max { last[$0] < last[$1] }!
                groups += 1
                if range.filter({ values[$0] > values[best] }).count >= group / 2 { behind += 1 }
            }
            lines.append(
                "epoch \(early) vs \(final): \(pct(crossed, pairs)) of pairs of non-diverging configurations cross, "
                    + "Spearman ρ \(String(format: "%.2f", Stats.spearman(values, last))), "
                    + "the best of \(group) is in its bottom half at epoch \(early) in \(pct(behind, groups)) of groups")
        }
        return lines
    }
}

/// SplitMix64: the noise of one reading, seeded by its configuration and epoch.
struct NoiseGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u = 1 - unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }

    /// FNV-1a over the configuration's exact values, the epoch and a salt (the problem's name).
    static func key(_ c: CurveProblem.Configuration, epoch: Int, salt: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ x: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                h = (h ^ ((x >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01B3
            }
        }
        mix(c.lr.bitPattern)
        mix(UInt64(bitPattern: Int64(c.width)))
        for byte in c.optimizer.utf8 { mix(UInt64(byte)) }
        mix(UInt64(bitPattern: Int64(epoch)))
        for byte in salt.utf8 { mix(UInt64(byte)) }
        return h
    }
}
