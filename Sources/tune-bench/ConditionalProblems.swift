import Foundation
import TuneCore

/// tune's conditional search-benchmark problem (Sources/tune-bench/Peers/problems_tune.py's
/// `cond_mlp`, the source of truth; Peers/cond_mlp.md describes it), ported operation for
/// operation, and the same function declared flat (`cond_mlp_flat`): every parameter always
/// active, as a user without conditional parameters would write it (the function ignores the
/// parameters of the branches not taken). The flat declaration is the ablation: what the tree
/// itself is worth to tune's strategies.
extension BenchProblems {
    static let conditional: [BenchProblem] = [condMLP, condMLPFlat]

    static func condMLPFunction(_ a: Assignment) -> Double {
        let f: Double
        switch a["optimizer"]!.text {
        case "sgd":
            let lr = log10(number(a, "sgd_lr")) + 1.5
            let m = number(a, "momentum") - 0.9
            f = 0.8 * (lr * lr) + 4.0 * (m * m)
        case "adam":
            let lr = log10(number(a, "adam_lr")) + 3.0
            let b = number(a, "beta1") - 0.9
            f = 0.15 + 0.5 * (lr * lr) + 2.0 * (b * b)
        default:
            let lr = log10(number(a, "rmsprop_lr")) + 3.5
            f = 0.3 + 0.5 * (lr * lr)
        }
        let layers = Int(number(a, "num_layers").rounded())
        let u1 = log2(number(a, "units1"))
        let g: Double
        switch layers {
        case 1:
            g = 0.4 + 0.1 * ((u1 - 9) * (u1 - 9))
        case 2:
            let u2 = log2(number(a, "units2")) - 6
            g = 0.05 * ((u1 - 8) * (u1 - 8)) + 0.05 * (u2 * u2)
        default:
            let u2 = log2(number(a, "units2")) - 7
            let u3 = log2(number(a, "units3")) - 5
            g = 0.2 + 0.05 * ((u1 - 8) * (u1 - 8)) + 0.05 * (u2 * u2) + 0.05 * (u3 * u3)
        }
        let d = number(a, "dropout") - (0.1 + 0.1 * Double(layers - 1))
        return f + g + d * d
    }

    static func condMLPParams(conditional: Bool) -> [ParameterSpec] {
        func when(_ parent: String, _ values: [String]) -> ParameterCondition? {
            conditional ? ParameterCondition(parent: parent, parentValues: values) : nil
        }
        func logDouble(_ name: String, _ lo: Double, _ hi: Double, _ condition: ParameterCondition?) -> ParameterSpec {
            ParameterSpec(name: name, domain: .double(min: lo, max: hi, scale: .log), condition: condition)
        }
        func logUnits(_ name: String, _ condition: ParameterCondition?) -> ParameterSpec {
            ParameterSpec(name: name, domain: .integer(min: 8, max: 1024, scale: .log), condition: condition)
        }
        return [
            ParameterSpec(name: "optimizer", domain: .categorical(["sgd", "adam", "rmsprop"])),
            logDouble("sgd_lr", 1e-4, 1, when("optimizer", ["sgd"])),
            ParameterSpec(name: "momentum", domain: .double(min: 0, max: 0.99, scale: .linear), condition: when("optimizer", ["sgd"])),
            logDouble("adam_lr", 1e-5, 1e-1, when("optimizer", ["adam"])),
            ParameterSpec(name: "beta1", domain: .double(min: 0.5, max: 0.999, scale: .linear), condition: when("optimizer", ["adam"])),
            logDouble("rmsprop_lr", 1e-5, 1e-1, when("optimizer", ["rmsprop"])),
            ParameterSpec(name: "num_layers", domain: .integer(min: 1, max: 3, scale: .linear)),
            logUnits("units2", when("num_layers", ["2", "3"])),
            logUnits("units3", when("num_layers", ["3"])),
            logUnits("units1", nil),
            ParameterSpec(name: "dropout", domain: .double(min: 0, max: 0.6, scale: .linear)),
        ]
    }

    static func condMLPPoint(_ values: [String: Any]) -> [String: ParameterValue] {
        values.mapValues { value -> ParameterValue in
            switch value {
            case let s as String: return .categorical(s)
            case let n as Int: return .integer(n)
            case let x as Double: return .double(x)
            default: fatalError("unsupported value \(value)")
            }
        }
    }

    static let condMLPArgmin = condMLPPoint(["optimizer": "sgd", "sgd_lr": pow(10.0, -1.5), "momentum": 0.9, "num_layers": 2, "units1": 256, "units2": 64, "dropout": 0.2])

    // f=PROBLEMS['cond_mlp']['func']; the two non-argmin points of problems_tune.py's comment, repr.
    static let condMLPReferences: [(point: [String: ParameterValue], value: Double)] = [
        (condMLPArgmin, 0.0),
        (
            condMLPPoint(["optimizer": "adam", "adam_lr": 1e-2, "beta1": 0.8, "num_layers": 3, "units1": 64, "units2": 512, "units3": 16, "dropout": 0.5]),
            1.3600000000000003
        ),
        (condMLPPoint(["optimizer": "rmsprop", "rmsprop_lr": 3e-5, "num_layers": 1, "units1": 1000, "dropout": 0.05]), 1.3189143922231645),
    ]

    /// The values a flat declaration needs for the parameters a point leaves inactive (the function ignores them).
    static let condMLPFiller = condMLPPoint(["sgd_lr": 0.01, "momentum": 0.5, "adam_lr": 1e-3, "beta1": 0.9, "rmsprop_lr": 1e-3, "units2": 64, "units3": 32])

    static let condMLP = BenchProblem(
        name: "cond_mlp", stem: "cond_mlp", budget: 60, seeds: 20, optimum: 0, argmin: condMLPArgmin,
        spec: spec(budget: 60, params: condMLPParams(conditional: true)), function: condMLPFunction, references: condMLPReferences)

    static let condMLPFlat = BenchProblem(
        name: "cond_mlp_flat", stem: "cond_mlp_flat", budget: 60, seeds: 20, optimum: 0,
        argmin: condMLPArgmin.merging(condMLPFiller) { own, _ in own },
        spec: spec(budget: 60, params: condMLPParams(conditional: false)), function: condMLPFunction,
        references: condMLPReferences.map { ($0.point.merging(condMLPFiller) { own, _ in own }, $0.value) })
}
