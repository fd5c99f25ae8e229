import Foundation
import TuneCore

/// tune's own search-benchmark problems (Sources/tune-bench/Peers/problems_tune.py, the source
/// of truth), ported to Swift operation for operation as BenchProblems.swift ports problems.py.
/// Each stresses a way real configs are declared imperfectly: a LOG parameter declared LINEAR
/// (mixed_linlr), coordinates that live on log10 / log(1 − m) declared LINEAR or REVERSE_LOG
/// (hartmann6_skewed), a training-like surrogate with LOG, REVERSE_LOG, DISCRETE, CATEGORICAL and
/// INTEGER parameters that interact (trainlike), and 6 active coordinates among 20 (embedded20).
/// problems_tune.py's `"scale": "reverse_log"` is `.reverseLog`, its `discrete` `.discrete`.
///
/// The reference values are problems_tune.py's (repr), at the argmin and two other points each,
/// computed from Sources/tune-bench/Peers with `PYTHONPATH=/work/shared/bench python3 -c "…"`
/// (the one-liner is beside each list).
extension BenchProblems {
    /// The four problems, in problems_tune.py's order; 10 seeds each (`_p["seeds"] = 10`).
    static let stress: [BenchProblem] = [mixedLinLR, hartmann6Skewed, trainlike, embedded20]

    // MARK: mixed_linlr

    /// shared/bench's `mixed` with lr declared on a LINEAR scale (the optimum lr = 1e-4 sits at 0.09 % of [1e-5, 0.1]).
    static let mixedLinLR = BenchProblem(
        name: "mixed_linlr", stem: "mixed_linlr", budget: 50, seeds: 10, optimum: 0,
        argmin: mixedPoint(1e-4, 0.25, 192, "adam"),
        spec: spec(
            budget: 50,
            params: [
                linear("lr", 1e-5, 1e-1),
                linear("dropout", 0, 0.8),
                ParameterSpec(name: "units", domain: .integer(min: 16, max: 512, scale: .linear)),
                ParameterSpec(name: "optimizer", domain: .categorical(["sgd", "adam", "rmsprop"])),
            ]),
        function: mixed.function,
        // f=PROBLEMS['mixed_linlr']['func']; print(repr(f(PROBLEMS['mixed_linlr']['argmin'])),
        //   repr(f({'lr':1e-2,'dropout':0.5,'units':64,'optimizer':'sgd'})), repr(f({'lr':0.05,'dropout':0.7,'units':500,'optimizer':'rmsprop'})))
        references: [
            (mixedPoint(1e-4, 0.25, 192, "adam"), 0.0),
            (mixedPoint(1e-2, 0.5, 64, "sgd"), 3.05),
            (mixedPoint(0.05, 0.7, 500, "rmsprop"), 15.576577200633531),
        ])

    // MARK: hartmann6_skewed

    static let h6Argmin: [Double] = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]
    static let lnHalf = log(0.5)
    static let lnTiny = log(1e-4)

    /// x in [0, 1] for p in [1e-4, 1] that lives on log10: x = 1 + log10(p)/4.
    static func decade(_ p: Double) -> Double { 1.0 + log10(p) / 4.0 }

    /// x in [0, 1] for m in [0.5, 0.9999] that lives on log(1 − m): 0 at m = 0.5, 1 at 0.9999.
    static func oneMinus(_ m: Double) -> Double { (log(1.0 - m) - lnHalf) / (lnTiny - lnHalf) }

    static func skewedPoint(_ a1: Double, _ a2: Double, _ m3: Double, _ m4: Double, _ x5: Double, _ x6: Double) -> [String: ParameterValue] {
        ["a1": .double(a1), "a2": .double(a2), "m3": .double(m3), "m4": .double(m4), "x5": .double(x5), "x6": .double(x6)]
    }

    /// problems_tune.py's `_skewed_argmin`: Hartmann-6's argmin mapped back through the warps.
    static var skewedArgmin: [String: ParameterValue] {
        let a = { (x: Double) in pow(10.0, 4.0 * (x - 1.0)) }
        let m = { (x: Double) in 1.0 - exp(lnHalf + x * (lnTiny - lnHalf)) }
        let x = h6Argmin
        return skewedPoint(a(x[0]), a(x[1]), m(x[2]), m(x[3]), x[4], x[5])
    }

    /// Hartmann-6 where a1, a2 (DOUBLE [1e-4, 1] LINEAR) live on log10, m3 (REVERSE_LOG) and m4
    /// (LINEAR) on log(1 − m) over [0.5, 0.9999], and x5, x6 are LINEAR [0, 1] as declared.
    static let hartmann6Skewed = BenchProblem(
        name: "hartmann6_skewed", stem: "hartmann6_skewed", budget: 50, seeds: 10, optimum: -3.32237,
        argmin: skewedArgmin,
        spec: spec(
            budget: 50,
            params: [
                linear("a1", 1e-4, 1.0),
                linear("a2", 1e-4, 1.0),
                ParameterSpec(name: "m3", domain: .double(min: 0.5, max: 0.9999, scale: .reverseLog)),
                linear("m4", 0.5, 0.9999),
                linear("x5", 0.0, 1.0),
                linear("x6", 0.0, 1.0),
            ]),
        function: { a in
            hartmann6([
                decade(number(a, "a1")), decade(number(a, "a2")), oneMinus(number(a, "m3")), oneMinus(number(a, "m4")),
                number(a, "x5"), number(a, "x6"),
            ])
        },
        // f=PROBLEMS['hartmann6_skewed']['func']; print(repr(f(PROBLEMS['hartmann6_skewed']['argmin'])),
        //   repr(f({'a1':0.01,'a2':0.5,'m3':0.9,'m4':0.99,'x5':0.3,'x6':0.7})), repr(f({'a1':1e-3,'a2':2e-4,'m3':0.99,'m4':0.95,'x5':0.31,'x6':0.66})))
        references: [
            (skewedArgmin, -3.322368011391339),
            (skewedPoint(0.01, 0.5, 0.9, 0.99, 0.3, 0.7), -0.21070395646293805),
            (skewedPoint(1e-3, 2e-4, 0.99, 0.95, 0.31, 0.66), -3.2305936837713416),
        ])

    // MARK: trainlike

    static let trainlikeActivation: [String: Double] = ["relu": 0.05, "gelu": 0.0, "tanh": 0.25, "sigmoid": 0.6]
    static let batchSizes: [DiscreteValue] = [16, 32, 64, 128, 256, 512, 1024].map { DiscreteValue(value: Double($0), text: String($0)) }

    /// A training-like surrogate: the step lr / (1 − momentum) scaled with the batch, momentum
    /// alone (best 0.99), weight decay, batch, activation, dropout growing with depth, depth.
    static func trainlike(
        lr: Double, weightDecay wd: Double, momentum m: Double, batch: Double, activation: String,
        dropout: Double, layers: Double
    ) -> Double {
        let layers = layers.rounded(.toNearestOrEven)  // int(round(float(...))); layers are integral anyway
        let step = log10(lr / (1.0 - m)) - log10(batch / 256.0) + 1.0
        let mom = log10(1.0 - m) + 2.0
        let w = log10(wd) + 4.0
        let b = log2(batch / 128.0)
        let d = dropout - 0.05 * layers
        let k = layers - 4.0
        return 0.5 * (step * step) + 0.3 * (mom * mom) + 0.05 * (w * w) + 0.05 * (b * b) + trainlikeActivation[activation]!
            + 2.0 * (d * d) + 0.08 * (k * k)
    }

    static func trainlikePoint(
        _ lr: Double, _ wd: Double, _ momentum: Double, _ batch: Int, _ activation: String, _ dropout: Double,
        _ layers: Int
    ) -> [String: ParameterValue] {
        [
            "lr": .double(lr), "weight_decay": .double(wd), "momentum": .double(momentum),
            "batch_size": .discrete(batchSizes.first { $0.value == Double(batch) }!), "activation": .categorical(activation),
            "dropout": .double(dropout), "layers": .integer(layers),
        ]
    }

    static let trainlike = BenchProblem(
        name: "trainlike", stem: "trainlike", budget: 50, seeds: 10, optimum: 0,
        argmin: trainlikePoint(5e-4, 1e-4, 0.99, 128, "gelu", 0.2, 4),
        spec: spec(
            budget: 50,
            params: [
                ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 1.0, scale: .log)),
                ParameterSpec(name: "weight_decay", domain: .double(min: 1e-7, max: 0.1, scale: .log)),
                ParameterSpec(name: "momentum", domain: .double(min: 0.5, max: 0.9999, scale: .reverseLog)),
                ParameterSpec(name: "batch_size", domain: .discrete(batchSizes)),
                ParameterSpec(name: "activation", domain: .categorical(["relu", "gelu", "tanh", "sigmoid"])),
                linear("dropout", 0.0, 0.7),
                ParameterSpec(name: "layers", domain: .integer(min: 1, max: 6, scale: .linear)),
            ]),
        function: { a in
            guard case .categorical(let activation)? = a["activation"] else { fatalError("trainlike: activation is not categorical") }
            return trainlike(
                lr: number(a, "lr"), weightDecay: number(a, "weight_decay"), momentum: number(a, "momentum"),
                batch: number(a, "batch_size"), activation: activation, dropout: number(a, "dropout"), layers: number(a, "layers"))
        },
        // f=PROBLEMS['trainlike']['func']; print(repr(f(PROBLEMS['trainlike']['argmin'])),
        //   repr(f({'lr':1e-3,'weight_decay':1e-5,'momentum':0.9,'batch_size':64,'activation':'relu','dropout':0.1,'layers':2})),
        //   repr(f({'lr':0.1,'weight_decay':0.01,'momentum':0.5,'batch_size':1024,'activation':'sigmoid','dropout':0.7,'layers':6})))
        references: [
            (trainlikePoint(5e-4, 1e-4, 0.99, 128, "gelu", 0.2, 4), 1.5777218104420237e-31),
            (trainlikePoint(1e-3, 1e-5, 0.9, 64, "relu", 0.1, 2), 0.8491781252509507),
            (trainlikePoint(0.1, 0.01, 0.5, 1024, "sigmoid", 0.7, 6), 2.801259251834787),
        ])

    // MARK: embedded20

    /// The parameters Hartmann-6 reads, x1…x6 in order; the other 14 of x1…x20 do nothing.
    static let embeddedActive = [3, 7, 8, 12, 15, 19]

    static func embeddedPoint(_ value: (Int) -> Double) -> [String: ParameterValue] {
        Dictionary(uniqueKeysWithValues: (1...20).map { ("x\($0)", ParameterValue.double(value($0))) })
    }

    static let embedded20 = BenchProblem(
        name: "embedded20", stem: "embedded20", budget: 100, seeds: 10, optimum: -3.32237,
        argmin: embeddedPoint { i in embeddedActive.firstIndex(of: i).map { h6Argmin[$0] } ?? 0.5 },
        spec: spec(budget: 100, params: (1...20).map { linear("x\($0)", 0, 1) }),
        function: { a in hartmann6(embeddedActive.map { number(a, "x\($0)") }) },
        // f=PROBLEMS['embedded20']['func']; print(repr(f(PROBLEMS['embedded20']['argmin'])),
        //   repr(f({'x%d'%i:0.5 for i in range(1,21)})), repr(f({'x%d'%i:i/21 for i in range(1,21)})))
        references: [
            (embeddedPoint { i in embeddedActive.firstIndex(of: i).map { h6Argmin[$0] } ?? 0.5 }, -3.322368011391339),
            (embeddedPoint { _ in 0.5 }, -0.5053149917022333),
            (embeddedPoint { i in Double(i) / 21 }, -0.1239178128839686),
        ])
}
