import Foundation

/// How the search space maps into the GP's input space (Optuna `_gp/search_space.py`).
///
/// - DOUBLE: the unit coordinate of its scale warp (linear, log, reverse log), continuous.
/// - INTEGER: the unit coordinate over [lo − ½, hi + ½] (every integer owns an equal cell), kept
///   ordinal and continuous in the kernel; the acquisition only visits the integers' coordinates.
/// - DISCRETE: the centre of its cell, (index + ½)/count — ordinal in value order.
/// - CATEGORICAL: the choice index 0, 1, …, compared by Hamming distance with its own ρ.
/// - Parameters with a single value (min == max, one choice) are left out of the model.
struct SearchEncoding: Sendable {
    enum Kind: Sendable, Equatable {
        case continuous
        case integer(lo: Int, hi: Int)
        case discrete(count: Int)
        case categorical(count: Int)
    }

    struct Dimension: Sendable {
        /// Index into `spec.params`.
        var param: Int
        var kind: Kind
    }

    let spec: TuningSpec
    let dimensions: [Dimension]

    init(spec: TuningSpec) {
        self.spec = spec
        var dims: [Dimension] = []
        for (index, param) in spec.params.enumerated() {
            switch param.domain {
            case .double(let lo, let hi, _) where hi > lo:
                dims.append(Dimension(param: index, kind: .continuous))
            case .integer(let lo, let hi, _) where hi > lo:
                dims.append(Dimension(param: index, kind: .integer(lo: lo, hi: hi)))
            case .discrete(let values) where values.count > 1:
                dims.append(Dimension(param: index, kind: .discrete(count: values.count)))
            case .categorical(let values) where values.count > 1:
                dims.append(Dimension(param: index, kind: .categorical(count: values.count)))
            default:
                break
            }
        }
        dimensions = dims
    }

    var count: Int { dimensions.count }
    var isCategorical: [Bool] { dimensions.map { if case .categorical = $0.kind { true } else { false } } }
    var hasContinuous: Bool { dimensions.contains { $0.kind == .continuous } }

    /// Dimensions that get a learned input warp (`InputWarp`): continuous ones, and INTEGER and
    /// DISCRETE ones with at least 3 values (with 2, a warp cannot change anything the kernel sees).
    var isWarpable: [Bool] {
        dimensions.indices.map { i in
            switch dimensions[i].kind {
            case .continuous: true
            case .integer, .discrete: levels(i) >= 3
            case .categorical: false
            }
        }
    }

    /// Values a non-continuous dimension can take (clamped to Int range for huge integer ranges).
    func levels(_ i: Int) -> Int {
        switch dimensions[i].kind {
        case .continuous: return 0
        case .integer(let lo, let hi):
            let (width, overflow) = hi.subtractingReportingOverflow(lo)
            return overflow || width >= Int.max - 1 ? Int.max : width + 1
        case .discrete(let count), .categorical(let count): return count
        }
    }

    /// The encoded coordinate of level `k` of dimension i.
    func coordinate(level k: Int, of i: Int) -> Double {
        let param = spec.params[dimensions[i].param]
        switch dimensions[i].kind {
        case .continuous: return Double(k)
        case .integer(let lo, _): return param.unit(of: .integer(lo &+ k))
        case .discrete(let count): return ParameterSpec.centre(k, count: count)
        case .categorical: return Double(k)
        }
    }

    /// The level of dimension i nearest to coordinate x.
    func level(of x: Double, in i: Int) -> Int {
        let param = spec.params[dimensions[i].param]
        switch dimensions[i].kind {
        case .continuous: return 0
        case .integer(let lo, _):
            guard case .integer(let value) = param.value(atUnit: x) else { return 0 }
            return value &- lo
        case .discrete(let count): return ParameterSpec.cell(min(max(x, 0), 1), count: count)
        case .categorical(let count): return min(max(Int(x.rounded()), 0), count - 1)
        }
    }

    /// Snaps every non-continuous coordinate to a value the parameter can take.
    func snapped(_ x: [Double]) -> [Double] {
        var out = x
        for i in dimensions.indices where dimensions[i].kind != .continuous {
            out[i] = coordinate(level: level(of: x[i], in: i), of: i)
        }
        return out
    }

    /// The encoded point for a point u of the unit cube (one coordinate per modeled dimension):
    /// categorical cells map to their index, the rest to their snapped unit coordinate.
    func fromUnitCube(_ u: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: count)
        for i in dimensions.indices {
            switch dimensions[i].kind {
            case .continuous: x[i] = min(max(u[i], 0), 1)
            case .categorical(let n): x[i] = Double(ParameterSpec.cell(min(max(u[i], 0), 1), count: n))
            default: x[i] = coordinate(level: level(of: u[i], in: i), of: i)
            }
        }
        return x
    }

    /// The encoded point of an assignment; nil when a modeled parameter is missing or not of its type.
    func encode(_ assignment: Assignment) -> [Double]? {
        var x = [Double](repeating: 0, count: count)
        for (i, dim) in dimensions.enumerated() {
            let param = spec.params[dim.param]
            // Assignments hold the spec's parameters in order: look by position first (by name is O(d)).
            let inPlace = dim.param < assignment.names.count && assignment.names[dim.param] == param.name
            guard let value = inPlace ? assignment.values[dim.param] : assignment[param.name] else { return nil }
            switch (dim.kind, value) {
            case (.continuous, .double), (.integer, .integer), (.discrete, .discrete):
                guard param.contains(value) else { return nil }
                x[i] = param.unit(of: value)
            case (.categorical, .categorical(let s)):
                guard case .categorical(let values) = param.domain, let index = values.firstIndex(of: s) else { return nil }
                x[i] = Double(index)
            default:
                return nil
            }
        }
        return x
    }

    /// The assignment at an encoded point: constants at their value, the rest decoded by their warp.
    func decode(_ x: [Double]) -> Assignment {
        var values = spec.params.map { $0.value(atUnit: 0.5) }
        for (i, dim) in dimensions.enumerated() {
            let param = spec.params[dim.param]
            switch dim.kind {
            case .continuous, .integer:
                values[dim.param] = param.value(atUnit: x[i])
            case .discrete(let count):
                values[dim.param] = param.value(atUnit: ParameterSpec.centre(level(of: x[i], in: i), count: count))
            case .categorical:
                guard case .categorical(let choices) = param.domain else { continue }
                values[dim.param] = .categorical(choices[level(of: x[i], in: i)])
            }
        }
        return Assignment(Array(zip(spec.params.map(\.name), values)))
    }
}
